package dev.shardline.replication;

/**
 * The heartbeat times one instance wrote to one shard's primary, newest last, so a replica's
 * lag can be measured from the first write it has not applied yet (the time that write has
 * been waiting), not from the last write it has (which would add up to one check interval).
 */
final class HeartbeatHistory {

	private final long[] written = new long[256];

	private int count;

	private int next;

	private long first = -1;

	synchronized void wrote(long micros) {
		if (this.first < 0) {
			this.first = micros;
		}
		this.written[this.next] = micros;
		this.next = (this.next + 1) % this.written.length;
		if (this.count < this.written.length) {
			this.count++;
		}
	}

	/**
	 * The lag of a replica that has applied the heartbeat written at {@code appliedMicros}.
	 * @param appliedMicros the heartbeat value read on the replica
	 * @param nowMicros the writer's clock now
	 * @return the lag in micros (0 when the replica holds the latest heartbeat)
	 */
	synchronized long lagMicros(long appliedMicros, long nowMicros) {
		long firstMissing = Long.MAX_VALUE;
		for (int i = 0; i < this.count; i++) {
			long w = this.written[i];
			if (w > appliedMicros && w < firstMissing) {
				firstMissing = w;
			}
		}
		if (firstMissing == Long.MAX_VALUE) {
			// The replica holds every heartbeat this instance remembers writing.
			return 0;
		}
		if (this.count == this.written.length && firstMissing == oldest()) {
			// Older than what we remember: the applied value itself bounds the lag from above.
			return Math.max(0, nowMicros - appliedMicros);
		}
		return Math.max(0, nowMicros - firstMissing);
	}

	/**
	 * The lag of a replica that holds none of this instance's heartbeats yet: at least as long
	 * as the first one has been waiting.
	 * @param nowMicros the writer's clock now
	 * @return the lag in micros, or -1 when nothing was written yet
	 */
	synchronized long lagWithoutHeartbeat(long nowMicros) {
		return (this.first < 0) ? -1 : Math.max(0, nowMicros - this.first);
	}

	private long oldest() {
		long oldest = Long.MAX_VALUE;
		for (int i = 0; i < this.count; i++) {
			oldest = Math.min(oldest, this.written[i]);
		}
		return oldest;
	}

}
