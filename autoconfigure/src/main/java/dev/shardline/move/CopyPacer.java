package dev.shardline.move;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Paces a move's bulk copy so that the servers it reads and writes keep time for the
 * application's own statements: after each batch the copy pauses for {@code niceRatio} times
 * the time that batch took (gh-ost's {@code --nice-ratio}). With a ratio of 1 the copy works
 * half of the time and the source and target are left alone the other half; with 0 it never
 * pauses. A batch's time runs from the end of the previous pause until the batch's rows are on
 * the target, so it includes the source's read, the building of the statement and the target's
 * insert, and during a pause neither server works for the copy.
 * <p>
 * Only the copy made while the key is still writable is paced, never the fenced phase (which
 * refuses the key's writes while it runs).
 * <p>
 * Thread-safe. Its counters accumulate over every copy it paced, so a pacer made for one move
 * tells how long that move's copy worked and paused.
 */
public final class CopyPacer {

	/** The ratio {@code shardline.directory.move-copy-nice-ratio} defaults to. */
	public static final double DEFAULT_NICE_RATIO = 1.0;

	private final double niceRatio;

	private final LongAdder activeNanos = new LongAdder();

	private final LongAdder pausedNanos = new LongAdder();

	private final LongAdder batches = new LongAdder();

	private final LongAdder pauses = new LongAdder();

	/**
	 * Creates a pacer.
	 * @param niceRatio how long to pause after each batch, as a multiple of the batch's time; 0
	 * turns pacing off
	 * @throws IllegalArgumentException if the ratio is negative or not a finite number
	 */
	public CopyPacer(double niceRatio) {
		if (!(niceRatio >= 0) || Double.isInfinite(niceRatio)) {
			throw new IllegalArgumentException("niceRatio must be a finite number of at least 0, was " + niceRatio);
		}
		this.niceRatio = niceRatio;
	}

	/**
	 * A pacer that never pauses.
	 * @return a new pacer with ratio 0
	 */
	public static CopyPacer off() {
		return new CopyPacer(0);
	}

	/**
	 * Whether this pacer pauses at all.
	 * @return {@code true} for a ratio above 0
	 */
	public boolean isOn() {
		return this.niceRatio > 0;
	}

	/**
	 * The time the paced copies worked, summed over their batches (0 while off).
	 * @return the active time
	 */
	public Duration activeTime() {
		return Duration.ofNanos(this.activeNanos.sum());
	}

	/**
	 * The time the paced copies paused, as measured around each pause.
	 * @return the paused time
	 */
	public Duration pausedTime() {
		return Duration.ofNanos(this.pausedNanos.sum());
	}

	/**
	 * The batches the paced copies ended (0 while off).
	 * @return the number of batches
	 */
	public long batches() {
		return this.batches.sum();
	}

	/**
	 * The pauses made.
	 * @return the number of pauses
	 */
	public long pauses() {
		return this.pauses.sum();
	}

	/**
	 * Starts pacing one copy (or a move's other paced work, such as its sweep): its first
	 * batch's time runs from now.
	 * @return the copy's pace, used by one thread
	 */
	public Pace start() {
		return new Pace();
	}

	/** One copy's pace: where the current batch's time started. Used by one thread. */
	public final class Pace {

		private long resumedAt = System.nanoTime();

		private Pace() {
		}

		/**
		 * Ends a batch (its rows are on the target) and pauses {@code niceRatio} times its time.
		 * @throws InterruptedException if interrupted while pausing
		 */
		public void batchDone() throws InterruptedException {
			long now = System.nanoTime();
			long active = now - this.resumedAt;
			CopyPacer.this.activeNanos.add(active);
			CopyPacer.this.batches.increment();
			long pause = (long) (active * CopyPacer.this.niceRatio);
			if (pause > 0) {
				long until = now + pause;
				try {
					for (long left = pause; left > 0; left = until - System.nanoTime()) {
						// sleep may end a little early on some timers: loop until the whole pause is over
						TimeUnit.NANOSECONDS.sleep(left);
					}
				}
				finally {
					long resumed = System.nanoTime();
					CopyPacer.this.pausedNanos.add(resumed - now);
					CopyPacer.this.pauses.increment();
					this.resumedAt = resumed;
				}
			}
			else {
				this.resumedAt = now;
			}
		}

	}

}
