package dev.shardline.rebalance;

import java.util.List;

/**
 * Where the current (or last) rebalance stands.
 *
 * @param planId the plan's id, 0 when none was ever planned
 * @param state its state, null when none
 * @param kind {@code add} or {@code remove}, null when none
 * @param description what it does
 * @param owner the instance running it, or null
 * @param keysDone keys on their planned shard
 * @param keysFailed keys given up on
 * @param keysTotal keys planned
 * @param rowsDone planned rows of the keys done
 * @param rowsTotal planned rows
 * @param rowsPerSecond rows moved per second by this instance recently (0 when it moves none)
 * @param throttledSeconds how long batches waited for lagging replicas or down primaries, in all
 * @param etaSeconds seconds left at that rate, null when unknown
 * @param workers batches in flight at most, spread over the shard pairs
 * @param throttledBy why batches wait right now, or null
 * @param lastError the last failure, or null
 * @param pairs progress per (from, to) pair
 */
public record RebalanceProgress(long planId, PlanState state, String kind, String description, String owner,
		long keysDone, long keysFailed, long keysTotal, long rowsDone, long rowsTotal, double rowsPerSecond,
		double throttledSeconds, Double etaSeconds, int workers, String throttledBy, String lastError,
		List<PairProgress> pairs) {

	/** No plan was ever made. */
	static RebalanceProgress none(int workers) {
		return new RebalanceProgress(0, null, null, null, null, 0, 0, 0, 0, 0, 0, 0, null, workers, null, null,
				List.of());
	}

	/**
	 * One pair's keys.
	 *
	 * @param from the source shard
	 * @param to the target shard
	 * @param keysPending keys still to move
	 * @param keysDone keys moved
	 * @param keysFailed keys given up on
	 * @param rowsDone planned rows of the keys moved
	 * @param rowsTotal planned rows
	 */
	public record PairProgress(String from, String to, long keysPending, long keysDone, long keysFailed, long rowsDone,
			long rowsTotal) {
	}

}
