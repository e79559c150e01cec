package dev.shardline.benchmarks.move;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Collects the per-step timings {@code KeyMover} logs at INFO for every finished move
 * ("Moved key l:1 from ... (copy 12 ms, fence 80 ms, ...; of the fence: acknowledgements 60 ms,
 * closing 3 ms)"), keyed by the key's stored text, so each move's pause can be broken down.
 */
final class StepTimings extends AppenderBase<ILoggingEvent> {

	private static final Pattern MOVED = Pattern.compile("^Moved key (\\S+) from .*\\((.*)\\)$", Pattern.DOTALL);

	private static final Pattern STEP = Pattern.compile("([a-z_]+) (\\d+) ms");

	private final Map<String, Map<String, Long>> latest = new ConcurrentHashMap<>();

	/** Attaches a collector to the mover's logger (and lets its INFO lines through to it only). */
	static StepTimings attach() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		Logger logger = context.getLogger("dev.shardline.directory.KeyMover");
		logger.setLevel(Level.INFO);
		StepTimings timings = new StepTimings();
		timings.setContext(context);
		timings.setName("move-step-timings");
		timings.start();
		logger.addAppender(timings);
		return timings;
	}

	@Override
	protected void append(ILoggingEvent event) {
		Map<String, Long> steps = parse(event.getFormattedMessage());
		if (steps != null) {
			Matcher matcher = MOVED.matcher(event.getFormattedMessage());
			if (matcher.find()) {
				this.latest.put(matcher.group(1), steps);
			}
		}
	}

	/**
	 * Step timings of a "Moved key" message, e.g. {@code copy}, {@code fence}, {@code catch_up},
	 * {@code verify}, {@code flip}, {@code sweep}, {@code acknowledgements}, {@code closing}.
	 * @param message the log message
	 * @return milliseconds per step, or null if it is another message
	 */
	static Map<String, Long> parse(String message) {
		Matcher moved = MOVED.matcher(message);
		if (!moved.find()) {
			return null;
		}
		Map<String, Long> steps = new LinkedHashMap<>();
		Matcher step = STEP.matcher(moved.group(2));
		while (step.find()) {
			steps.put(step.group(1), Long.parseLong(step.group(2)));
		}
		return steps;
	}

	/** Removes and returns the timings logged for a key's last move (empty if none was logged). */
	Map<String, Long> take(String keyText) {
		Map<String, Long> steps = this.latest.remove(keyText);
		return (steps != null) ? steps : Map.of();
	}

}
