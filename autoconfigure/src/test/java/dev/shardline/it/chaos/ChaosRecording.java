package dev.shardline.it.chaos;

import java.util.List;

/**
 * Everything a chaos run recorded on the client side, frozen for the checks. Times are
 * {@code System.nanoTime()} values of the run's JVM.
 *
 * @param instances the application instances' names
 * @param writes every write attempted
 * @param reads every {@code @ReadOnly} clock read attempted
 * @param readBacks every read-your-writes read-back of an acknowledged write that returned
 * @param ticks every acknowledged update of a shard's clock row on its primary
 * @param windows the faults, in the order they were injected
 * @param ejections replicas seen ejected by an instance (sampled)
 */
record ChaosRecording(List<String> instances, List<Write> writes, List<Read> reads, List<ReadBack> readBacks,
		List<Tick> ticks, List<Window> windows, List<Ejection> ejections) {

	/**
	 * One write of a row with a unique id.
	 * @param instance the instance that wrote it
	 * @param id the row's unique id
	 * @param key the shard key (customer id)
	 * @param shard the shard the key lived on when written; null for the key being moved
	 * @param startNanos when the call started
	 * @param endNanos when it returned or threw
	 * @param outcome acknowledged, refused or unknown
	 * @param error the failure, or null
	 */
	record Write(String instance, long id, long key, String shard, long startNanos, long endNanos, Outcome outcome,
			String error) {

		long nanos() {
			return this.endNanos - this.startNanos;
		}

	}

	/**
	 * One {@code @ReadOnly} read of a shard's clock row.
	 * @param instance the instance that read
	 * @param shard the shard read
	 * @param startNanos when the call started
	 * @param endNanos when it returned or threw
	 * @param node the node that served it, or null if it failed
	 * @param seq the clock value seen
	 * @param error the failure, or null
	 */
	record Read(String instance, String shard, long startNanos, long endNanos, String node, long seq, String error) {

		boolean ok() {
			return this.node != null;
		}

	}

	/**
	 * A read-back, in the same unit of work, of a row the instance had just written.
	 * @param instance the instance
	 * @param id the row's id
	 * @param shard the shard written
	 * @param readStartNanos when the read-back started
	 * @param node the node that served the read-back
	 * @param found whether the row was there
	 */
	record ReadBack(String instance, long id, String shard, long readStartNanos, String node, boolean found) {
	}

	/**
	 * An acknowledged clock update on a shard's primary.
	 * @param shard the shard
	 * @param seq the value written (increasing)
	 * @param ackNanos when the update returned
	 */
	record Tick(String shard, long seq, long ackNanos) {
	}

	/**
	 * One injected fault.
	 * @param kind what was done
	 * @param shard the shard it hit
	 * @param nodes the nodes taken out (harness names, e.g. {@code shard-0-replica-1})
	 * @param instance for a held pool, the instance whose pool was held; else null
	 * @param injectedNanos when it was injected
	 * @param healedNanos when it was healed
	 */
	record Window(FaultKind kind, String shard, List<String> nodes, String instance, long injectedNanos,
			long healedNanos) {
	}

	/**
	 * A replica seen ejected by an instance.
	 * @param instance the instance
	 * @param node the replica
	 * @param atNanos when
	 */
	record Ejection(String instance, String node, long atNanos) {
	}

}
