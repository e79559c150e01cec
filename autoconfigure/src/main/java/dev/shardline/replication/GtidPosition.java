package dev.shardline.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable replication position: a MariaDB GTID position ({@code domain-server-seq} per domain) or a MySQL
 * GTID set ({@code uuid:interval[:interval]...}). {@link #covers(GtidPosition)} answers "has a server at this
 * position applied everything in that one?", and {@link #toString()} is canonical text a server accepts back.
 */
public final class GtidPosition {

	private static final Pattern MARIADB_GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

	private static final Pattern UUID = Pattern
		.compile("\\p{XDigit}{8}-?\\p{XDigit}{4}-?\\p{XDigit}{4}-?\\p{XDigit}{4}-?\\p{XDigit}{12}");

	private static final Pattern INTERVAL = Pattern.compile("(\\d+)(?:-(\\d+))?");

	// MySQL 8.3+ tagged GTIDs (uuid:tag:1-5); tags are case-insensitive and shown lower-case.
	private static final Pattern TAG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,31}");

	private static final long MAX_UNSIGNED_INT = 0xFFFF_FFFFL;

	private final Flavor flavor;

	// MariaDB: domain id -> {server id, seq no}; ids are unsigned 32 bit, seq unsigned 64 bit.
	private final SortedMap<Long, long[]> domains;

	// MySQL: "uuid" or "uuid:tag" -> sorted, merged, non-adjacent closed intervals {start0, end0, start1, ...}.
	private final SortedMap<String, long[]> intervals;

	private final String text;

	private GtidPosition(Flavor flavor, SortedMap<Long, long[]> domains, SortedMap<String, long[]> intervals) {
		this.flavor = flavor;
		this.domains = Collections.unmodifiableSortedMap(domains);
		this.intervals = Collections.unmodifiableSortedMap(intervals);
		this.text = (flavor == Flavor.MARIADB) ? mariaDbText(domains) : mySqlText(intervals);
	}

	/**
	 * Parses a MariaDB GTID position such as {@code @@gtid_slave_pos}: comma-separated
	 * {@code domain-server-seq} triples, at most one per domain.
	 * @param text the position; empty (or blank) means nothing applied
	 * @return the position
	 * @throws IllegalArgumentException if the text is null or malformed
	 */
	public static GtidPosition parseMariaDb(String text) {
		requireText(text, Flavor.MARIADB);
		SortedMap<Long, long[]> domains = new TreeMap<>();
		if (!text.isBlank()) {
			for (String element : text.split(",", -1)) {
				Matcher gtid = MARIADB_GTID.matcher(element.trim());
				if (!gtid.matches()) {
					throw malformed(Flavor.MARIADB, text, "'" + element.trim() + "' is not domain-server-seq");
				}
				long domain = unsigned32(gtid.group(1), text);
				long server = unsigned32(gtid.group(2), text);
				long seq = unsigned64(gtid.group(3), text);
				if (domains.put(domain, new long[] { server, seq }) != null) {
					throw malformed(Flavor.MARIADB, text, "more than one GTID for domain " + domain);
				}
			}
		}
		return new GtidPosition(Flavor.MARIADB, domains, new TreeMap<>());
	}

	/**
	 * Parses a MySQL GTID set such as {@code @@global.gtid_executed}: comma-separated
	 * {@code uuid[:tag]:interval[:interval]...} entries, whitespace and line breaks around the separators
	 * allowed, a uuid may appear more than once.
	 * @param text the set; empty (or blank) means nothing executed
	 * @return the position
	 * @throws IllegalArgumentException if the text is null or malformed
	 */
	public static GtidPosition parseMySqlSet(String text) {
		requireText(text, Flavor.MYSQL);
		Map<String, List<long[]>> collected = new TreeMap<>();
		if (!text.isBlank()) {
			for (String element : text.split(",", -1)) {
				String[] tokens = element.split(":", -1);
				String uuid = tokens[0].trim();
				if (!UUID.matcher(uuid).matches()) {
					throw malformed(Flavor.MYSQL, text, "'" + uuid + "' is not a server uuid");
				}
				if (tokens.length < 2) {
					throw malformed(Flavor.MYSQL, text, "uuid " + uuid + " has no transaction interval");
				}
				String key = canonicalUuid(uuid);
				boolean needInterval = false;
				for (int i = 1; i < tokens.length; i++) {
					String token = tokens[i].trim();
					if (TAG.matcher(token).matches()) {
						if (needInterval) {
							throw malformed(Flavor.MYSQL, text, "tag before '" + token + "' has no interval");
						}
						key = canonicalUuid(uuid) + ":" + token.toLowerCase(Locale.ROOT);
						needInterval = true;
					}
					else {
						collected.computeIfAbsent(key, (k) -> new ArrayList<>()).add(interval(token, text));
						needInterval = false;
					}
				}
				if (needInterval) {
					throw malformed(Flavor.MYSQL, text, "a tag of uuid " + uuid + " has no interval");
				}
			}
		}
		SortedMap<String, long[]> intervals = new TreeMap<>();
		collected.forEach((key, list) -> intervals.put(key, merge(list)));
		return new GtidPosition(Flavor.MYSQL, new TreeMap<>(), intervals);
	}

	/**
	 * Parses text of the given flavor.
	 * @param text the position or set
	 * @param flavor how to read it
	 * @return the position
	 * @throws IllegalArgumentException if the text is null or malformed
	 */
	public static GtidPosition parse(String text, Flavor flavor) {
		return (flavor == Flavor.MARIADB) ? parseMariaDb(text) : parseMySqlSet(text);
	}

	/** Which server family's GTID format this position is in. */
	public Flavor flavor() {
		return this.flavor;
	}

	/** Whether the position names no transaction at all (nothing applied). */
	public boolean isEmpty() {
		return this.domains.isEmpty() && this.intervals.isEmpty();
	}

	/**
	 * Whether a server at this position has applied everything in {@code other}. MariaDB: in every domain of
	 * {@code other} this position's seq is at least as high (server ids are ignored, as MariaDB does; a domain
	 * missing here counts as seq 0). MySQL: {@code other} is a subset of this set.
	 * @param other the position to compare with
	 * @return whether {@code other} is covered; an empty {@code other} is always covered
	 * @throws IllegalArgumentException if the flavors differ (the formats are not comparable)
	 */
	public boolean covers(GtidPosition other) {
		Objects.requireNonNull(other, "other");
		if (other.flavor != this.flavor) {
			throw new IllegalArgumentException(
					"Cannot compare a " + this.flavor + " position with a " + other.flavor + " one: '" + this
							+ "' vs '" + other + "'");
		}
		return (this.flavor == Flavor.MARIADB) ? coversMariaDb(other) : coversMySql(other);
	}

	private boolean coversMariaDb(GtidPosition other) {
		for (Map.Entry<Long, long[]> entry : other.domains.entrySet()) {
			long[] mine = this.domains.get(entry.getKey());
			long seq = (mine != null) ? mine[1] : 0;
			if (Long.compareUnsigned(seq, entry.getValue()[1]) < 0) {
				return false;
			}
		}
		return true;
	}

	private boolean coversMySql(GtidPosition other) {
		for (Map.Entry<String, long[]> entry : other.intervals.entrySet()) {
			long[] mine = this.intervals.get(entry.getKey());
			if (mine == null) {
				return false;
			}
			long[] theirs = entry.getValue();
			for (int i = 0; i < theirs.length; i += 2) {
				if (!contains(mine, theirs[i], theirs[i + 1])) {
					return false;
				}
			}
		}
		return true;
	}

	// Merged intervals never touch, so [start, end] is covered only if a single interval holds it.
	private static boolean contains(long[] merged, long start, long end) {
		int low = 0;
		int high = merged.length / 2 - 1;
		int candidate = -1;
		while (low <= high) {
			int mid = (low + high) >>> 1;
			if (merged[2 * mid] <= start) {
				candidate = mid;
				low = mid + 1;
			}
			else {
				high = mid - 1;
			}
		}
		return candidate >= 0 && merged[2 * candidate + 1] >= end;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return (obj instanceof GtidPosition other) && this.flavor == other.flavor && this.text.equals(other.text);
	}

	@Override
	public int hashCode() {
		return 31 * this.flavor.hashCode() + this.text.hashCode();
	}

	/**
	 * The canonical text, usable as the argument of {@code MASTER_GTID_WAIT} or
	 * {@code WAIT_FOR_EXECUTED_GTID_SET}: domains (MariaDB) or uuids (MySQL) in ascending order, MySQL intervals
	 * merged, uuids lower-case with dashes; empty for an empty position.
	 */
	@Override
	public String toString() {
		return this.text;
	}

	private static String mariaDbText(SortedMap<Long, long[]> domains) {
		StringBuilder text = new StringBuilder();
		domains.forEach((domain, gtid) -> {
			if (!text.isEmpty()) {
				text.append(',');
			}
			text.append(domain).append('-').append(gtid[0]).append('-').append(Long.toUnsignedString(gtid[1]));
		});
		return text.toString();
	}

	private static String mySqlText(SortedMap<String, long[]> intervals) {
		StringBuilder text = new StringBuilder();
		String currentUuid = null;
		// Keys sort as "uuid" before "uuid:tag", so the untagged intervals lead and tags follow, as MySQL prints.
		for (Map.Entry<String, long[]> entry : intervals.entrySet()) {
			String key = entry.getKey();
			int colon = key.indexOf(':');
			String uuid = (colon >= 0) ? key.substring(0, colon) : key;
			if (!uuid.equals(currentUuid)) {
				if (currentUuid != null) {
					text.append(',');
				}
				text.append(uuid);
				currentUuid = uuid;
			}
			if (colon >= 0) {
				text.append(key, colon, key.length());
			}
			long[] merged = entry.getValue();
			for (int i = 0; i < merged.length; i += 2) {
				text.append(':').append(merged[i]);
				if (merged[i + 1] != merged[i]) {
					text.append('-').append(merged[i + 1]);
				}
			}
		}
		return text.toString();
	}

	private static long[] interval(String token, String text) {
		Matcher matcher = INTERVAL.matcher(token);
		if (!matcher.matches()) {
			throw malformed(Flavor.MYSQL, text, "'" + token + "' is neither an interval nor a tag");
		}
		try {
			long start = Long.parseLong(matcher.group(1));
			long end = (matcher.group(2) != null) ? Long.parseLong(matcher.group(2)) : start;
			if (start < 1 || end < start) {
				throw malformed(Flavor.MYSQL, text, "interval '" + token + "' is empty or starts below 1");
			}
			return new long[] { start, end };
		}
		catch (NumberFormatException ex) {
			throw malformed(Flavor.MYSQL, text, "interval '" + token + "' is out of range");
		}
	}

	private static long[] merge(List<long[]> list) {
		list.sort((a, b) -> Long.compare(a[0], b[0]));
		long[] merged = new long[2 * list.size()];
		int size = 0;
		for (long[] next : list) {
			// start - 1 (not end + 1): cannot overflow at Long.MAX_VALUE; touching intervals merge too.
			if (size > 0 && next[0] - 1 <= merged[size - 1]) {
				merged[size - 1] = Math.max(merged[size - 1], next[1]);
			}
			else {
				merged[size++] = next[0];
				merged[size++] = next[1];
			}
		}
		return Arrays.copyOf(merged, size);
	}

	private static String canonicalUuid(String uuid) {
		String hex = uuid.replace("-", "").toLowerCase(Locale.ROOT);
		return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20);
	}

	private static long unsigned32(String digits, String text) {
		long value = unsigned64(digits, text);
		if (Long.compareUnsigned(value, MAX_UNSIGNED_INT) > 0) {
			throw malformed(Flavor.MARIADB, text, digits + " exceeds the 32 bit domain/server id range");
		}
		return value;
	}

	private static long unsigned64(String digits, String text) {
		try {
			return Long.parseUnsignedLong(digits);
		}
		catch (NumberFormatException ex) {
			throw malformed(Flavor.MARIADB, text, digits + " exceeds the 64 bit range");
		}
	}

	private static void requireText(String text, Flavor flavor) {
		if (text == null) {
			throw new IllegalArgumentException(flavor.label + " text must not be null");
		}
	}

	private static IllegalArgumentException malformed(Flavor flavor, String text, String reason) {
		return new IllegalArgumentException("Malformed " + flavor.label + " '" + text + "': " + reason);
	}

	/** The GTID format of a position. */
	public enum Flavor {

		/** MariaDB: one {@code domain-server-seq} per replication domain. */
		MARIADB("MariaDB GTID position"),

		/** MySQL: a set of transaction intervals per server uuid (and tag). */
		MYSQL("MySQL GTID set");

		private final String label;

		Flavor(String label) {
			this.label = label;
		}

	}

}
