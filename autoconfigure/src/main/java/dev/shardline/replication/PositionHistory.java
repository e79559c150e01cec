package dev.shardline.replication;

/**
 * The GTID positions one instance read on a shard's primary, each with the time (this
 * instance's clock, epoch micros) taken before it was read, newest last. A replica whose
 * applied position covers the snapshot read at {@code t} holds every write committed before
 * {@code t}: that is how read-your-writes judges a replica exactly with the replica-status
 * method, independently of {@code Seconds_Behind_Master}'s whole seconds and of a receiver
 * (IO) thread that is behind. Keeps the last 64 distinct positions.
 */
final class PositionHistory {

	private final long[] times = new long[64];

	private final GtidPosition[] positions = new GtidPosition[64];

	private int count;

	private int next;

	/**
	 * Records a primary's position.
	 * @param micros the time taken before the position was read
	 * @param position the primary's position; an empty one is not recorded (GTIDs are off, or
	 * nothing was written yet: it would be covered by any replica)
	 */
	synchronized void read(long micros, GtidPosition position) {
		if (position.isEmpty()) {
			return;
		}
		int last = (this.next + this.times.length - 1) % this.times.length;
		if (this.count > 0 && position.equals(this.positions[last])) {
			// Unchanged (a quiet primary): the newer time says more; keep the slots for changes.
			this.times[last] = Math.max(this.times[last], micros);
			return;
		}
		this.times[this.next] = micros;
		this.positions[this.next] = position;
		this.next = (this.next + 1) % this.times.length;
		if (this.count < this.times.length) {
			this.count++;
		}
	}

	/** Whether any position was recorded: only then can a replica be judged by GTID. */
	synchronized boolean isKnown() {
		return this.count > 0;
	}

	/**
	 * The time through which a replica at {@code applied} holds the primary's writes.
	 * @param applied the replica's applied position
	 * @return the time of the newest recorded snapshot it covers, or -1 when it covers none (it
	 * is behind everything remembered)
	 */
	synchronized long appliedThroughMicros(GtidPosition applied) {
		long best = -1;
		for (int i = 0; i < this.count; i++) {
			if (this.times[i] > best && covers(applied, this.positions[i])) {
				best = this.times[i];
			}
		}
		return best;
	}

	private static boolean covers(GtidPosition applied, GtidPosition snapshot) {
		try {
			return applied.covers(snapshot);
		}
		catch (IllegalArgumentException ex) {
			// Different server families behind one shard: not comparable, so not covered.
			return false;
		}
	}

}
