package dev.shardline.topology;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves credentials out of JDBC URLs, so that what Shardline logs, shows and hands to the
 * pool never carries a password.
 */
public final class JdbcUrls {

	// user/password as URL parameters: ?password=x, &password=x, ;password=x (H2 style), and
	// inside MySQL's key-value host form (host=...,password=x).
	private static final Pattern PARAMETER = Pattern
		.compile("([?&;,(])(user|password)=([^&;,)#]*)", Pattern.CASE_INSENSITIVE);

	// user:password@ in the authority part.
	private static final Pattern USER_INFO = Pattern.compile("^(jdbc:[a-z0-9:+]*//)([^/@?#]*)@",
			Pattern.CASE_INSENSITIVE);

	private JdbcUrls() {
	}

	/**
	 * Splits a JDBC URL into a URL without credentials plus the user and password it carried.
	 * @param url the configured URL
	 * @return the parts; user or password are null when the URL has none
	 */
	public static Credentials split(String url) {
		String user = null;
		String password = null;
		String rest = url;
		Matcher info = USER_INFO.matcher(rest);
		if (info.find()) {
			String userInfo = info.group(2);
			int colon = userInfo.indexOf(':');
			user = (colon >= 0) ? userInfo.substring(0, colon) : userInfo;
			password = (colon >= 0) ? userInfo.substring(colon + 1) : null;
			rest = info.group(1) + rest.substring(info.end());
		}
		Matcher parameter = PARAMETER.matcher(rest);
		StringBuilder cleaned = new StringBuilder();
		while (parameter.find()) {
			if (parameter.group(2).equalsIgnoreCase("password")) {
				password = parameter.group(3);
			}
			else {
				user = parameter.group(3);
			}
			// Keep the separator only when it opens the parameter list or a key-value group.
			String separator = parameter.group(1);
			parameter.appendReplacement(cleaned, (separator.equals("?") || separator.equals("(")) ? separator : "");
		}
		parameter.appendTail(cleaned);
		String clean = cleaned.toString().replace("?&", "?").replace("(,", "(");
		if (clean.endsWith("?")) {
			clean = clean.substring(0, clean.length() - 1);
		}
		return new Credentials(clean, user, password);
	}

	/**
	 * The URL without credentials, for logs, messages and endpoints.
	 * @param url the configured URL (may be null)
	 * @return the URL without user or password
	 */
	public static String safe(String url) {
		return (url != null) ? split(url).url() : null;
	}

	/**
	 * A URL split from its credentials.
	 * @param url the URL without credentials
	 * @param user the user the URL carried, or null
	 * @param password the password the URL carried, or null
	 */
	public record Credentials(String url, String user, String password) {

		@Override
		public String toString() {
			return "Credentials[url=" + this.url + ", user=" + this.user + "]";
		}

	}

}
