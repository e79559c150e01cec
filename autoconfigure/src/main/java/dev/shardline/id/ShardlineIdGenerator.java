package dev.shardline.id;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.springframework.util.Assert;

/**
 * Mints shard-aware IDs of a {@link ShardlineIdLayout} for one application instance (one
 * worker id). Every application instance that mints IDs at the same time needs its own
 * worker id ({@code shardline.id.worker-id}); two instances with the same one can mint the
 * same ID.
 * <p>
 * One millisecond-and-sequence counter is shared by all shards, so an instance mints up to
 * {@link ShardlineIdLayout#maxSequence()} IDs per millisecond in total. The IDs of one shard
 * strictly increase; across shards, IDs are ordered by millisecond only, because the shard
 * bits sit above the sequence bits. When the sequence of a millisecond is used up,
 * {@link #next(int)} spins until the next one. When the clock steps back by at most
 * {@link #BACKWARDS_TOLERANCE_MILLIS} (as NTP may do), it waits until the clock is back;
 * further than that it throws {@link ClockMovedBackwardsException} rather than wait for long
 * or risk duplicates.
 * <p>
 * Thread-safe and lock-free: the last millisecond and sequence are packed into one
 * {@link AtomicLong}, so a single compare-and-set reserves an ID, no thread ever blocks
 * another, and allocation happens only when throwing.
 */
public final class ShardlineIdGenerator {

	/** The largest step back of the clock, in milliseconds, that {@link #next(int)} waits out. */
	public static final long BACKWARDS_TOLERANCE_MILLIS = 5;

	private final ShardlineIdLayout layout;

	private final int workerId;

	private final Clock clock;

	private final int sequenceBits;

	private final long sequenceMask;

	// (millis since the layout's epoch << sequenceBits) | sequence of the last ID minted; -1
	// (millisecond -1) before the first. Reserving the next value is then one CAS, and it
	// always grows, so no two calls get the same value.
	private final AtomicLong last = new AtomicLong(-1);

	/**
	 * Create a generator.
	 * @param layout the ID layout
	 * @param workerId this instance's worker id, unique among the instances minting IDs
	 * @param clock the clock to read milliseconds from, usually {@link Clock#systemUTC()}
	 * @throws IllegalArgumentException if the worker id does not fit the layout
	 */
	public ShardlineIdGenerator(ShardlineIdLayout layout, int workerId, Clock clock) {
		Assert.notNull(layout, "The ID layout must not be null");
		Assert.notNull(clock, "The clock must not be null");
		Assert.isTrue(workerId >= 0 && workerId < layout.maxWorkers(),
				() -> "shardline.id.worker-id must be between 0 and " + (layout.maxWorkers() - 1) + " (the ID layout has "
						+ layout.workerBits() + " worker bits), but is " + workerId
						+ "; give every application instance that mints IDs its own worker id");
		this.layout = layout;
		this.workerId = workerId;
		this.clock = clock;
		this.sequenceBits = layout.sequenceBits();
		this.sequenceMask = layout.maxSequence() - 1;
	}

	/**
	 * Mint the next ID for a shard.
	 * @param shardIndex the index of the shard the ID's row lives on
	 * @return a positive ID, greater than every earlier ID of this generator for that shard
	 * @throws IllegalArgumentException if the shard index does not fit the layout
	 * @throws ClockMovedBackwardsException if the clock went back further than
	 * {@link #BACKWARDS_TOLERANCE_MILLIS}
	 * @throws IllegalStateException if the clock is outside the layout's time range
	 */
	public long next(int shardIndex) {
		this.layout.checkShard(shardIndex);
		while (true) {
			// read the state before the clock: its millisecond was read earlier, so a later
			// millisecond here means the clock went back, not that another thread overtook us
			long previous = this.last.get();
			long now = elapsedMillis();
			long previousMillis = previous >> this.sequenceBits;
			long next;
			if (now > previousMillis) {
				next = now << this.sequenceBits;
			}
			else if (now == previousMillis) {
				if ((previous & this.sequenceMask) == this.sequenceMask) {
					// the millisecond is used up; the next one is less than a millisecond away
					Thread.onSpinWait();
					continue;
				}
				next = previous + 1;
			}
			else {
				long behind = previousMillis - now;
				if (behind > BACKWARDS_TOLERANCE_MILLIS) {
					throw new ClockMovedBackwardsException(behind, BACKWARDS_TOLERANCE_MILLIS);
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(behind));
				continue;
			}
			if (this.last.compareAndSet(previous, next)) {
				return this.layout.pack(next >>> this.sequenceBits, shardIndex, this.workerId,
						(int) (next & this.sequenceMask));
			}
		}
	}

	/**
	 * Return the layout of the IDs this generator mints.
	 * @return the layout
	 */
	public ShardlineIdLayout layout() {
		return this.layout;
	}

	/**
	 * Return this instance's worker id.
	 * @return the worker id
	 */
	public int workerId() {
		return this.workerId;
	}

	private long elapsedMillis() {
		long millis = this.clock.millis();
		long elapsed = millis - this.layout.epochMillis();
		if (millis < this.layout.epochMillis() || Long.compareUnsigned(elapsed, this.layout.maxElapsedMillis()) > 0) {
			throw new IllegalStateException("The clock reads " + Instant.ofEpochMilli(millis)
					+ ", outside the ID layout's time range (" + this.layout.describe()
					+ "); check the clock, or use a layout whose time range covers it");
		}
		return elapsed;
	}

}
