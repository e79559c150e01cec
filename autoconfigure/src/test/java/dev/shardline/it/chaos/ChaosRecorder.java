package dev.shardline.it.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects a chaos run's events from many threads. Keeps, besides the events, when each
 * instance was last served by each node, so the run can wait for a healed node to serve again
 * without scanning the events.
 */
final class ChaosRecorder {

	private final List<String> instances;

	private final ConcurrentLinkedQueue<ChaosRecording.Write> writes = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<ChaosRecording.Read> reads = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<ChaosRecording.ReadBack> readBacks = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<ChaosRecording.Tick> ticks = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<ChaosRecording.Window> windows = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<ChaosRecording.Ejection> ejections = new ConcurrentLinkedQueue<>();

	/** instance + "/" + node (or shard for writes) → start of the latest successful call it served. */
	private final Map<String, Long> lastServed = new ConcurrentHashMap<>();

	ChaosRecorder(List<String> instances) {
		this.instances = List.copyOf(instances);
	}

	void write(ChaosRecording.Write write) {
		this.writes.add(write);
		if (write.outcome() == Outcome.ACKNOWLEDGED && write.shard() != null) {
			this.lastServed.merge(write.instance() + "/" + write.shard(), write.startNanos(), Math::max);
		}
	}

	void read(ChaosRecording.Read read) {
		this.reads.add(read);
		if (read.ok()) {
			this.lastServed.merge(read.instance() + "/" + read.node(), read.startNanos(), Math::max);
		}
	}

	void readBack(ChaosRecording.ReadBack readBack) {
		this.readBacks.add(readBack);
	}

	void tick(ChaosRecording.Tick tick) {
		this.ticks.add(tick);
	}

	void window(ChaosRecording.Window window) {
		this.windows.add(window);
	}

	void ejection(ChaosRecording.Ejection ejection) {
		this.ejections.add(ejection);
	}

	/**
	 * Whether every instance has been served by the node (or, for a shard name, had a write
	 * acknowledged on it) in a call that started after the given time.
	 */
	boolean servedSince(String nodeOrShard, long sinceNanos) {
		for (String instance : this.instances) {
			Long last = this.lastServed.get(instance + "/" + nodeOrShard);
			if (last == null || last < sinceNanos) {
				return false;
			}
		}
		return true;
	}

	ChaosRecording snapshot() {
		return new ChaosRecording(this.instances, new ArrayList<>(this.writes), new ArrayList<>(this.reads),
				new ArrayList<>(this.readBacks), new ArrayList<>(this.ticks), new ArrayList<>(this.windows),
				new ArrayList<>(this.ejections));
	}

}
