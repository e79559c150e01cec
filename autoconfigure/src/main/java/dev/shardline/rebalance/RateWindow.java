package dev.shardline.rebalance;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rows moved per second over a recent window, and the time left at that rate. Thread-safe.
 * The rate divides the rows finished within the window by the window, or by the time since the
 * first recording when that is shorter (so the first batches give a rate at once).
 */
public final class RateWindow {

	private final long windowNanos;

	private final Deque<long[]> samples = new ArrayDeque<>();

	private long firstNanos = -1;

	/**
	 * Creates a window.
	 * @param windowNanos its length
	 */
	public RateWindow(long windowNanos) {
		this.windowNanos = windowNanos;
	}

	/**
	 * Records rows finished at a time.
	 * @param nowNanos the time (nanoTime)
	 * @param rows rows finished
	 */
	public synchronized void record(long nowNanos, long rows) {
		if (this.firstNanos < 0) {
			this.firstNanos = nowNanos;
		}
		this.samples.addLast(new long[] { nowNanos, rows });
		trim(nowNanos);
	}

	/**
	 * Rows per second at a time; 0 before anything was recorded (or when nothing was within the window).
	 * @param nowNanos the time (nanoTime)
	 * @return the rate
	 */
	public synchronized double rowsPerSecond(long nowNanos) {
		trim(nowNanos);
		if (this.samples.isEmpty()) {
			return 0;
		}
		long rows = 0;
		for (long[] sample : this.samples) {
			rows += sample[1];
		}
		// At least one second: a single batch just finished is no rate of thousands per second.
		long span = Math.max(1_000_000_000L, Math.min(this.windowNanos, nowNanos - this.firstNanos));
		return rows * 1e9 / span;
	}

	private void trim(long nowNanos) {
		while (!this.samples.isEmpty() && nowNanos - this.samples.peekFirst()[0] > this.windowNanos) {
			this.samples.removeFirst();
		}
	}

	/**
	 * Seconds until the rows left are moved at a rate.
	 * @param rowsLeft rows still to move
	 * @param rowsPerSecond the rate
	 * @return 0 when nothing is left; null when the rate is 0 (unknown)
	 */
	public static Double etaSeconds(long rowsLeft, double rowsPerSecond) {
		if (rowsLeft <= 0) {
			return 0.0;
		}
		return (rowsPerSecond > 0) ? rowsLeft / rowsPerSecond : null;
	}

}
