package dev.shardline.rebalance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a plan's pending keys into batches: grouped by (from, to) pair, in the order given, each
 * batch at most {@code batchKeys} keys and {@code batchRows} rows. A key with more rows than
 * {@code batchRows} forms a batch of its own (it cannot be split).
 */
public final class Batches {

	private Batches() {
	}

	/**
	 * Groups keys by pair, keeping their order within a pair.
	 * @param keys the keys
	 * @return keys by pair, pairs in order of first appearance
	 */
	public static Map<Pair, List<PlannedKey>> byPair(List<PlannedKey> keys) {
		Map<Pair, List<PlannedKey>> result = new LinkedHashMap<>();
		for (PlannedKey key : keys) {
			result.computeIfAbsent(new Pair(key.from(), key.to()), (pair) -> new ArrayList<>()).add(key);
		}
		return result;
	}

	/**
	 * Cuts one pair's keys into batches.
	 * @param keys keys of one pair
	 * @param batchRows most rows per batch (at least 1)
	 * @param batchKeys most keys per batch (at least 1)
	 * @return the batches, in order
	 */
	public static List<List<PlannedKey>> cut(List<PlannedKey> keys, long batchRows, int batchKeys) {
		List<List<PlannedKey>> batches = new ArrayList<>();
		List<PlannedKey> current = new ArrayList<>();
		long rows = 0;
		for (PlannedKey key : keys) {
			if (!current.isEmpty() && (current.size() >= batchKeys || rows + key.rows() > batchRows)) {
				batches.add(current);
				current = new ArrayList<>();
				rows = 0;
			}
			current.add(key);
			rows += key.rows();
		}
		if (!current.isEmpty()) {
			batches.add(current);
		}
		return batches;
	}

	/**
	 * A source and target shard.
	 *
	 * @param from the source
	 * @param to the target
	 */
	public record Pair(String from, String to) {

		@Override
		public String toString() {
			return this.from + "->" + this.to;
		}

	}

}
