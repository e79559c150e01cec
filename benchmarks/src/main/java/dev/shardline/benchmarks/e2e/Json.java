package dev.shardline.benchmarks.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flat JSON objects the processes exchange, one per line: string, number, boolean and
 * null values only. Small on purpose: the child class path must not depend on a JSON library.
 */
final class Json {

	private Json() {
	}

	static String write(Map<String, ?> values) {
		StringBuilder json = new StringBuilder("{");
		values.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			quote(json, name);
			json.append(':');
			if (value == null) {
				json.append("null");
			}
			else if (value instanceof Number || value instanceof Boolean) {
				json.append(value);
			}
			else {
				quote(json, value.toString());
			}
		});
		return json.append('}').toString();
	}

	private static void quote(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	/**
	 * Parses one flat object.
	 * @param line the JSON text
	 * @return the values: {@code String}, {@code Double}/{@code Long}, {@code Boolean}, or null
	 * @throws IllegalArgumentException when it is not a flat object
	 */
	static Map<String, Object> parse(String line) {
		Parser parser = new Parser(line.trim());
		return parser.object();
	}

	private static final class Parser {

		private final String text;

		private int at;

		Parser(String text) {
			this.text = text;
		}

		Map<String, Object> object() {
			Map<String, Object> values = new LinkedHashMap<>();
			expect('{');
			skipSpace();
			if (peek() == '}') {
				this.at++;
				return values;
			}
			while (true) {
				skipSpace();
				String name = string();
				skipSpace();
				expect(':');
				skipSpace();
				values.put(name, value());
				skipSpace();
				char c = next();
				if (c == '}') {
					return values;
				}
				if (c != ',') {
					throw error("',' or '}'");
				}
			}
		}

		private Object value() {
			char c = peek();
			if (c == '"') {
				return string();
			}
			if (this.text.startsWith("null", this.at)) {
				this.at += 4;
				return null;
			}
			if (this.text.startsWith("true", this.at)) {
				this.at += 4;
				return Boolean.TRUE;
			}
			if (this.text.startsWith("false", this.at)) {
				this.at += 5;
				return Boolean.FALSE;
			}
			int start = this.at;
			while (this.at < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.at)) >= 0) {
				this.at++;
			}
			String number = this.text.substring(start, this.at);
			if (number.isEmpty()) {
				throw error("a value");
			}
			return (number.contains(".") || number.contains("e") || number.contains("E")) ? Double.valueOf(number)
					: Long.valueOf(number);
		}

		private String string() {
			expect('"');
			StringBuilder value = new StringBuilder();
			while (true) {
				char c = next();
				if (c == '"') {
					return value.toString();
				}
				if (c == '\\') {
					char escaped = next();
					switch (escaped) {
						case 'n' -> value.append('\n');
						case 'r' -> value.append('\r');
						case 't' -> value.append('\t');
						case 'u' -> {
							value.append((char) Integer.parseInt(this.text.substring(this.at, this.at + 4), 16));
							this.at += 4;
						}
						default -> value.append(escaped);
					}
				}
				else {
					value.append(c);
				}
			}
		}

		private void skipSpace() {
			while (this.at < this.text.length() && Character.isWhitespace(this.text.charAt(this.at))) {
				this.at++;
			}
		}

		private char peek() {
			if (this.at >= this.text.length()) {
				throw error("more input");
			}
			return this.text.charAt(this.at);
		}

		private char next() {
			char c = peek();
			this.at++;
			return c;
		}

		private void expect(char c) {
			if (next() != c) {
				throw error("'" + c + "'");
			}
		}

		private IllegalArgumentException error(String expected) {
			return new IllegalArgumentException("Expected " + expected + " at " + this.at + " in: " + this.text);
		}

	}

}
