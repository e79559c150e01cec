package dev.shardline.strategy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Assigns keys by ordered ranges ({@code from} inclusive, {@code to} exclusive, the last range
 * may be open-ended), e.g. customer-id bands, country codes or ISO dates. Ranges are either
 * all numeric (keys must be integral numbers) or all strings (keys compare as strings, so
 * ISO-8601 dates order correctly).
 */
public final class RangeShardingStrategy implements ShardingStrategy {

	private final boolean numeric;

	private final long[] numericFrom;

	private final long numericEnd;

	private final String[] stringFrom;

	private final String stringEnd;

	private final String[] shards;

	/**
	 * Creates the strategy; the ranges must already be contiguous (see {@link #check}).
	 * @param ranges the ranges in key order
	 */
	public RangeShardingStrategy(List<Rule> ranges) {
		List<String> problems = check(ranges);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(String.join("; ", problems));
		}
		this.numeric = isNumeric(ranges);
		int n = ranges.size();
		this.shards = new String[n];
		this.numericFrom = this.numeric ? new long[n] : null;
		this.stringFrom = this.numeric ? null : new String[n];
		for (int i = 0; i < n; i++) {
			this.shards[i] = ranges.get(i).shard();
			if (this.numeric) {
				this.numericFrom[i] = Long.parseLong(ranges.get(i).from().trim());
			}
			else {
				this.stringFrom[i] = ranges.get(i).from();
			}
		}
		String end = ranges.get(n - 1).to();
		this.numericEnd = (this.numeric && end != null) ? Long.parseLong(end.trim()) : Long.MAX_VALUE;
		this.stringEnd = this.numeric ? null : end;
	}

	/**
	 * Checks that ranges are well-formed, ordered, without gaps or overlaps.
	 * @param ranges the ranges in key order
	 * @return one message per problem, each starting with the range's index in brackets
	 */
	public static List<String> check(List<Rule> ranges) {
		List<String> problems = new ArrayList<>();
		if (ranges.isEmpty()) {
			problems.add("[] no ranges are configured");
			return problems;
		}
		boolean numeric = isNumeric(ranges);
		for (int i = 0; i < ranges.size(); i++) {
			Rule rule = ranges.get(i);
			if (rule.from() == null) {
				problems.add("[" + i + "].from is missing");
				continue;
			}
			if (rule.to() == null && i < ranges.size() - 1) {
				problems.add("[" + i + "].to is missing: only the last range may be open-ended");
				continue;
			}
			if (rule.to() != null && compare(rule.from(), rule.to(), numeric) >= 0) {
				problems.add("[" + i + "] is empty or reversed: from '" + rule.from() + "' must be below to '"
						+ rule.to() + "'");
			}
			if (i > 0 && ranges.get(i - 1).to() != null) {
				int order = compare(ranges.get(i - 1).to(), rule.from(), numeric);
				if (order < 0) {
					problems.add("[" + i + "] leaves a gap: the previous range ends at '" + ranges.get(i - 1).to()
							+ "' but this one starts at '" + rule.from() + "'");
				}
				else if (order > 0) {
					problems.add("[" + i + "] overlaps the previous range: it starts at '" + rule.from()
							+ "' before the previous one ends at '" + ranges.get(i - 1).to() + "'");
				}
			}
		}
		return problems;
	}

	private static boolean isNumeric(List<Rule> ranges) {
		for (Rule rule : ranges) {
			if (!isLong(rule.from()) || (rule.to() != null && !isLong(rule.to()))) {
				return false;
			}
		}
		return true;
	}

	private static boolean isLong(String value) {
		if (value == null) {
			return false;
		}
		try {
			Long.parseLong(value.trim());
			return true;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static int compare(String a, String b, boolean numeric) {
		return numeric ? Long.compare(Long.parseLong(a.trim()), Long.parseLong(b.trim())) : a.compareTo(b);
	}

	@Override
	public String shardFor(Object key) {
		return this.numeric ? shardForNumber(key) : shardForString(key);
	}

	private String shardForNumber(Object key) {
		long value;
		if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
			value = ((Number) key).longValue();
		}
		else if (key instanceof BigInteger big && big.bitLength() < 64) {
			value = big.longValue();
		}
		else {
			throw new IllegalArgumentException("Key '" + key + "' (" + key.getClass().getName()
					+ ") cannot be placed by numeric shardline.range rules: use an integral key, or declare a "
					+ "ShardKeyConverter bean that turns it into one");
		}
		if (value < this.numericFrom[0] || value >= this.numericEnd) {
			throw outside(key);
		}
		int low = 0;
		int high = this.numericFrom.length - 1;
		while (low < high) {
			int mid = (low + high + 1) >>> 1;
			if (this.numericFrom[mid] <= value) {
				low = mid;
			}
			else {
				high = mid - 1;
			}
		}
		return this.shards[low];
	}

	private String shardForString(Object key) {
		if (!(key instanceof CharSequence)) {
			throw new IllegalArgumentException("Key '" + key + "' (" + key.getClass().getName()
					+ ") cannot be placed by string shardline.range rules: use a String key, or declare a "
					+ "ShardKeyConverter bean that turns it into one");
		}
		String value = key.toString();
		if (value.compareTo(this.stringFrom[0]) < 0 || (this.stringEnd != null && value.compareTo(this.stringEnd) >= 0)) {
			throw outside(key);
		}
		int low = 0;
		int high = this.stringFrom.length - 1;
		while (low < high) {
			int mid = (low + high + 1) >>> 1;
			if (this.stringFrom[mid].compareTo(value) <= 0) {
				low = mid;
			}
			else {
				high = mid - 1;
			}
		}
		return this.shards[low];
	}

	private IllegalArgumentException outside(Object key) {
		return new IllegalArgumentException("Key '" + key + "' lies outside every shardline.range rule (they cover ["
				+ (this.numeric ? this.numericFrom[0] : this.stringFrom[0]) + ", "
				+ (this.numeric ? (this.numericEnd == Long.MAX_VALUE ? "open" : this.numericEnd)
						: (this.stringEnd != null ? this.stringEnd : "open"))
				+ ")): extend the ranges to cover it");
	}

	/**
	 * One range.
	 *
	 * @param from first key (inclusive)
	 * @param to end (exclusive), or null for an open end
	 * @param shard owning shard
	 */
	public record Rule(String from, String to, String shard) {
	}

}
