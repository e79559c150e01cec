package dev.shardline.benchmarks.rebalance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Collects every batch the mover finishes, from the line {@code KeyMover} logs at INFO ("Moved a
 * batch of 500 keys (l:1, ...) from shard-0 to shard-2: {bench_orders=5000} rows, writes paused
 * 80 ms, in 900 ms (mark 3 ms, claim 2 ms, copy 400 ms, ...)"), and the rebalancer's failed
 * batches ("Rebalance batch of ... failed"): the per-key write pause is its batch's pause.
 */
final class BatchLog extends AppenderBase<ILoggingEvent> {

	private static final Pattern MOVED = Pattern.compile(
			"^Moved (?:a batch of (\\d+) keys|key \\S+) .*?from (\\S+) to (\\S+): \\{(.*?)\\} rows, writes paused (\\d+) ms,"
					+ " in (\\d+) ms \\(([^()]*)\\)$",
			Pattern.DOTALL);

	private static final Pattern NUMBER = Pattern.compile("=(\\d+)");

	private static final Pattern STEP = Pattern.compile("([a-z_]+) (\\d+) ms");

	private final ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

	private volatile boolean recording;

	/** Attaches a collector to the mover's and the rebalancer's loggers. */
	static BatchLog attach() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		BatchLog log = new BatchLog();
		log.setContext(context);
		log.setName("rebalance-batches");
		log.start();
		for (String name : List.of("dev.shardline.directory.KeyMover", "dev.shardline.rebalance.Rebalancer")) {
			Logger logger = context.getLogger(name);
			logger.setLevel(Level.INFO);
			logger.addAppender(log);
		}
		return log;
	}

	/** Starts (or stops) keeping batches: only the measured rebalance's count. */
	void recording(boolean recording) {
		this.recording = recording;
	}

	@Override
	protected void append(ILoggingEvent event) {
		if (!this.recording) {
			return;
		}
		String message = event.getFormattedMessage();
		Batch batch = parse(message, System.nanoTime());
		if (batch != null) {
			this.batches.add(batch);
		}
		else if (message.startsWith("Rebalance batch of") && message.contains("failed")) {
			this.failures.add(message);
		}
	}

	/**
	 * A batch from a "Moved ..." message.
	 * @param message the log message
	 * @param at when it was logged (nanoTime)
	 * @return the batch, or null if it is another message
	 */
	static Batch parse(String message, long at) {
		Matcher moved = MOVED.matcher(message);
		if (!moved.find()) {
			return null;
		}
		int keys = (moved.group(1) != null) ? Integer.parseInt(moved.group(1)) : 1;
		long rows = 0;
		Matcher number = NUMBER.matcher(moved.group(4));
		while (number.find()) {
			rows += Long.parseLong(number.group(1));
		}
		Map<String, Long> steps = new LinkedHashMap<>();
		Matcher step = STEP.matcher(moved.group(7));
		while (step.find()) {
			steps.put(step.group(1), Long.parseLong(step.group(2)));
		}
		return new Batch(keys, moved.group(2), moved.group(3), rows, Long.parseLong(moved.group(5)),
				Long.parseLong(moved.group(6)), steps, at);
	}

	List<Batch> batches() {
		return new ArrayList<>(this.batches);
	}

	List<String> failures() {
		return new ArrayList<>(this.failures);
	}

	/**
	 * One batch the mover finished.
	 *
	 * @param keys keys moved together
	 * @param from the source
	 * @param to the target
	 * @param rows rows copied
	 * @param pauseMillis the batch's write pause (fence to flip), every key's pause
	 * @param durationMillis the whole batch move
	 * @param steps milliseconds per step (mark, claim, copy, fence, catch_up, verify, flip, sweep,
	 * done; acknowledgements and closing are parts of fence)
	 * @param loggedAt when it was logged (nanoTime)
	 */
	record Batch(int keys, String from, String to, long rows, long pauseMillis, long durationMillis,
			Map<String, Long> steps, long loggedAt) {
	}

}
