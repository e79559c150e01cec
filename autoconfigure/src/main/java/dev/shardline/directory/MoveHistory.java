package dev.shardline.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcomes of this instance's recent key moves (for {@code /actuator/shardline}) and a count
 * per outcome (the {@code shardline.directory.moves} counter).
 */
public final class MoveHistory {

	private final int capacity;

	private final Deque<Record> recent = new ArrayDeque<>();

	private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);

	/**
	 * Creates a history.
	 * @param capacity how many recent moves are kept
	 */
	public MoveHistory(int capacity) {
		this.capacity = capacity;
		for (Outcome outcome : Outcome.values()) {
			this.counts.put(outcome, new AtomicLong());
		}
	}

	/** Records a move's outcome. */
	public synchronized void record(Record record) {
		this.counts.get(record.outcome()).incrementAndGet();
		this.recent.addFirst(record);
		while (this.recent.size() > this.capacity) {
			this.recent.removeLast();
		}
	}

	/** The recent moves, newest first. */
	public synchronized List<Record> recent() {
		return new ArrayList<>(this.recent);
	}

	/** How many moves ended with an outcome since start-up. */
	public long count(Outcome outcome) {
		return this.counts.get(outcome).get();
	}

	/** How a move ended. */
	public enum Outcome {

		/** The key is on its target. */
		MOVED("moved"),

		/** The move failed and the key is writable on its source again. */
		ROLLED_BACK("rolled-back"),

		/** Refused before anything changed, or failed with its rollback still pending. */
		FAILED("failed");

		private final String tag;

		Outcome(String tag) {
			this.tag = tag;
		}

		/** The metric tag value. */
		public String tag() {
			return this.tag;
		}

	}

	/**
	 * One move's outcome.
	 *
	 * @param key the key's stored text
	 * @param from the source shard
	 * @param to the target shard
	 * @param outcome how it ended
	 * @param rows rows copied
	 * @param writePause how long the key's writes were refused
	 * @param duration the whole move
	 * @param detail why it failed or what is left, or null
	 * @param at when it ended
	 */
	public record Record(String key, String from, String to, Outcome outcome, long rows, Duration writePause,
			Duration duration, String detail, Instant at) {
	}

}
