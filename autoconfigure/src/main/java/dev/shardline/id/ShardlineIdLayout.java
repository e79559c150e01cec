package dev.shardline.id;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * The bit layout of a shard-aware 64-bit ID, from the most significant bit down:
 * <pre>
 * | 0 (sign) | time: ms since epoch | shard index | worker id | sequence |
 * </pre>
 * The sign bit is always 0, so IDs are positive {@code long}s; time comes first, so IDs sort
 * by the millisecond they were minted in. The shard index lets a key that is such an ID route
 * by its own bits. The worker id separates application instances that mint IDs for the same
 * shard at the same time, and the sequence separates the IDs one instance mints in one
 * millisecond. The time field gets whatever bits the others leave: {@code 63 - shardBits -
 * workerBits - sequenceBits}.
 * <p>
 * {@link #DEFAULT} is epoch 2025-01-01T00:00:00Z, 41 time bits (about 69 years, until
 * 2094), 10 shard bits (1024 shards: far more than a fleet of MySQL servers, so shards can be
 * split without a new layout), 5 worker bits (32 application instances minting at once) and 7
 * sequence bits (128 IDs per millisecond per instance, 128,000 per second: more than one
 * instance can insert). A layout must never change once IDs were minted with it: changing it
 * changes the shard every existing ID routes to.
 * <p>
 * Immutable and thread-safe; decomposing an ID is shifts and masks, without allocation
 * (except {@link #timestampOf(long)}, which returns an {@link Instant}).
 */
public final class ShardlineIdLayout {

	/** The default epoch, 2025-01-01T00:00:00Z. */
	public static final Instant DEFAULT_EPOCH = Instant.parse("2025-01-01T00:00:00Z");

	/** The default layout: see the class documentation for why. */
	public static final ShardlineIdLayout DEFAULT = new ShardlineIdLayout(DEFAULT_EPOCH, 10, 5, 7);

	// 2^35 ms is about a year: anything shorter would run out of time before a system is old
	private static final int MIN_TIME_BITS = 35;

	private final Instant epoch;

	private final long epochMillis;

	private final int timeBits;

	private final int shardBits;

	private final int workerBits;

	private final int sequenceBits;

	private final int workerShift;

	private final int shardShift;

	private final int timeShift;

	private final long maxElapsedMillis;

	/**
	 * Create a layout; the time field gets the bits the other fields leave.
	 * @param epoch the instant time 0 stands for (used at millisecond precision)
	 * @param shardBits bits of the shard index, at least 1
	 * @param workerBits bits of the worker id, at least 0 (0 when only one instance mints)
	 * @param sequenceBits bits of the per-millisecond sequence, at least 1
	 * @throws IllegalArgumentException if a field is too small or leaves fewer than 35 time
	 * bits
	 */
	public ShardlineIdLayout(Instant epoch, int shardBits, int workerBits, int sequenceBits) {
		Assert.notNull(epoch, "The epoch of the ID layout must not be null");
		Assert.isTrue(shardBits >= 1, () -> "The ID layout needs at least 1 shard bit, but has " + shardBits);
		Assert.isTrue(workerBits >= 0, () -> "The ID layout needs at least 0 worker bits, but has " + workerBits);
		Assert.isTrue(sequenceBits >= 1, () -> "The ID layout needs at least 1 sequence bit, but has " + sequenceBits);
		long timeBits = 63L - shardBits - workerBits - sequenceBits;
		Assert.isTrue(timeBits >= MIN_TIME_BITS,
				() -> "The ID layout leaves " + timeBits + " time bits (63 - " + shardBits + " shard - " + workerBits
						+ " worker - " + sequenceBits + " sequence bits), but needs at least " + MIN_TIME_BITS
						+ " (about a year of milliseconds); use fewer shard, worker or sequence bits");
		this.epochMillis = epochMillis(epoch);
		this.epoch = Instant.ofEpochMilli(this.epochMillis);
		this.timeBits = (int) timeBits;
		this.shardBits = shardBits;
		this.workerBits = workerBits;
		this.sequenceBits = sequenceBits;
		this.workerShift = sequenceBits;
		this.shardShift = sequenceBits + workerBits;
		this.timeShift = sequenceBits + workerBits + shardBits;
		this.maxElapsedMillis = (1L << this.timeBits) - 1;
		Assert.isTrue(this.epochMillis <= Long.MAX_VALUE - this.maxElapsedMillis,
				() -> "The ID layout's epoch " + epoch + " is too late: its time range would overflow");
	}

	private static long epochMillis(Instant epoch) {
		try {
			return epoch.toEpochMilli();
		}
		catch (ArithmeticException ex) {
			throw new IllegalArgumentException("The ID layout's epoch " + epoch + " is out of range", ex);
		}
	}

	/**
	 * Compose an ID.
	 * @param millis the time in Unix epoch milliseconds (as {@link java.time.Clock#millis()}),
	 * from the layout's epoch to its {@linkplain #timestampOf(long) last representable}
	 * millisecond
	 * @param shard the shard index, {@code 0} to {@code maxShards() - 1}
	 * @param worker the worker id, {@code 0} to {@code maxWorkers() - 1}
	 * @param sequence the sequence, {@code 0} to {@code maxSequence() - 1}
	 * @return the ID, a positive {@code long}
	 * @throws IllegalArgumentException if a value does not fit its field
	 */
	public long compose(long millis, int shard, int worker, int sequence) {
		// unsigned, so a distance that overflows a signed long is still seen as too large
		if (millis < this.epochMillis || Long.compareUnsigned(millis - this.epochMillis, this.maxElapsedMillis) > 0) {
			throw new IllegalArgumentException("Time " + Instant.ofEpochMilli(millis) + " is outside the ID layout's "
					+ "time range, " + this.epoch + " to " + Instant.ofEpochMilli(this.epochMillis + this.maxElapsedMillis));
		}
		checkShard(shard);
		checkField("Worker id", worker, this.workerBits, "worker");
		checkField("Sequence", sequence, this.sequenceBits, "sequence");
		return pack(millis - this.epochMillis, shard, worker, sequence);
	}

	/**
	 * Return the shard index an ID was minted for.
	 * @param id an ID of this layout
	 * @return the shard index
	 * @throws IllegalArgumentException if the ID is negative, so not an ID of any layout
	 */
	public int shardOf(long id) {
		return (int) ((checkId(id) >>> this.shardShift) & mask(this.shardBits));
	}

	/**
	 * Return the worker id of the instance that minted an ID.
	 * @param id an ID of this layout
	 * @return the worker id
	 * @throws IllegalArgumentException if the ID is negative, so not an ID of any layout
	 */
	public int workerOf(long id) {
		return (int) ((checkId(id) >>> this.workerShift) & mask(this.workerBits));
	}

	/**
	 * Return the sequence of an ID within its millisecond and worker.
	 * @param id an ID of this layout
	 * @return the sequence
	 * @throws IllegalArgumentException if the ID is negative, so not an ID of any layout
	 */
	public int sequenceOf(long id) {
		return (int) (checkId(id) & mask(this.sequenceBits));
	}

	/**
	 * Return the time an ID was minted at, in Unix epoch milliseconds.
	 * @param id an ID of this layout
	 * @return the time in milliseconds since 1970-01-01T00:00:00Z
	 * @throws IllegalArgumentException if the ID is negative, so not an ID of any layout
	 */
	public long epochMillisOf(long id) {
		return this.epochMillis + (checkId(id) >>> this.timeShift);
	}

	/**
	 * Return the time an ID was minted at.
	 * @param id an ID of this layout
	 * @return the instant, at millisecond precision
	 * @throws IllegalArgumentException if the ID is negative, so not an ID of any layout
	 */
	public Instant timestampOf(long id) {
		return Instant.ofEpochMilli(epochMillisOf(id));
	}

	/**
	 * Return how many shards the layout can address: shard indexes run from 0 to one less.
	 * @return {@code 2^shardBits}
	 */
	public int maxShards() {
		return 1 << this.shardBits;
	}

	/**
	 * Return how many instances can mint IDs at once: worker ids run from 0 to one less.
	 * @return {@code 2^workerBits}
	 */
	public int maxWorkers() {
		return 1 << this.workerBits;
	}

	/**
	 * Return how many IDs one worker can mint per millisecond: sequences run from 0 to one
	 * less.
	 * @return {@code 2^sequenceBits}
	 */
	public int maxSequence() {
		return 1 << this.sequenceBits;
	}

	/**
	 * Return the instant time 0 stands for.
	 * @return the epoch, at millisecond precision
	 */
	public Instant epoch() {
		return this.epoch;
	}

	/**
	 * Return the bits of the time field.
	 * @return {@code 63 - shardBits - workerBits - sequenceBits}
	 */
	public int timeBits() {
		return this.timeBits;
	}

	/**
	 * Return the bits of the shard index.
	 * @return the shard bits
	 */
	public int shardBits() {
		return this.shardBits;
	}

	/**
	 * Return the bits of the worker id.
	 * @return the worker bits
	 */
	public int workerBits() {
		return this.workerBits;
	}

	/**
	 * Return the bits of the sequence.
	 * @return the sequence bits
	 */
	public int sequenceBits() {
		return this.sequenceBits;
	}

	/**
	 * Describe the layout for people, e.g. for documentation or the actuator endpoint.
	 * @return the fields from the most significant bit down, with their limits
	 */
	public String describe() {
		return "1 sign bit (always 0) | " + this.timeBits + " time bits (ms since " + this.epoch + ", until "
				+ Instant.ofEpochMilli(this.epochMillis + this.maxElapsedMillis) + ") | " + this.shardBits
				+ " shard bits (" + maxShards() + " shards) | " + this.workerBits + " worker bits (" + maxWorkers()
				+ " workers) | " + this.sequenceBits + " sequence bits (" + maxSequence() + " IDs per ms per worker)";
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof ShardlineIdLayout other && this.epochMillis == other.epochMillis
				&& this.shardBits == other.shardBits && this.workerBits == other.workerBits
				&& this.sequenceBits == other.sequenceBits;
	}

	@Override
	public int hashCode() {
		int result = Long.hashCode(this.epochMillis);
		result = 31 * result + this.shardBits;
		result = 31 * result + this.workerBits;
		return 31 * result + this.sequenceBits;
	}

	@Override
	public String toString() {
		return describe();
	}

	long epochMillis() {
		return this.epochMillis;
	}

	long maxElapsedMillis() {
		return this.maxElapsedMillis;
	}

	void checkShard(int shard) {
		checkField("Shard index", shard, this.shardBits, "shard");
	}

	/**
	 * Pack fields already known to fit.
	 */
	long pack(long elapsedMillis, int shard, int worker, int sequence) {
		return (elapsedMillis << this.timeShift) | ((long) shard << this.shardShift)
				| ((long) worker << this.workerShift) | sequence;
	}

	private static void checkField(String name, int value, int bits, String field) {
		if (value < 0 || value > mask(bits)) {
			throw new IllegalArgumentException(name + " " + value + " is out of range: the ID layout has " + bits + " "
					+ field + " bits, so it must be between 0 and " + mask(bits));
		}
	}

	private static long checkId(long id) {
		if (id < 0) {
			throw new IllegalArgumentException("ID " + id + " is negative, so it is not a Shardline ID");
		}
		return id;
	}

	private static long mask(int bits) {
		return (1L << bits) - 1;
	}

}
