package dev.shardline.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ShardlineIdLayout}.
 */
class ShardlineIdLayoutTests {

	private static final ShardlineIdLayout LAYOUT = ShardlineIdLayout.DEFAULT;

	private static final long EPOCH = ShardlineIdLayout.DEFAULT_EPOCH.toEpochMilli();

	@Property
	void defaultLayoutRoundTrips(@ForAll @LongRange(min = 0, max = (1L << 41) - 1) long elapsed,
			@ForAll @IntRange(max = 1023) int shard, @ForAll @IntRange(max = 31) int worker,
			@ForAll @IntRange(max = 127) int sequence) {
		long id = LAYOUT.compose(EPOCH + elapsed, shard, worker, sequence);
		assertThat(id).isNotNegative();
		assertThat(LAYOUT.epochMillisOf(id)).isEqualTo(EPOCH + elapsed);
		assertThat(LAYOUT.timestampOf(id)).isEqualTo(Instant.ofEpochMilli(EPOCH + elapsed));
		assertThat(LAYOUT.shardOf(id)).isEqualTo(shard);
		assertThat(LAYOUT.workerOf(id)).isEqualTo(worker);
		assertThat(LAYOUT.sequenceOf(id)).isEqualTo(sequence);
	}

	@Property
	void anyValidLayoutRoundTrips(@ForAll("fields") long[] fields) {
		ShardlineIdLayout layout = new ShardlineIdLayout(Instant.ofEpochMilli(fields[0]), (int) fields[1],
				(int) fields[2], (int) fields[3]);
		long millis = fields[0] + fields[4];
		int shard = (int) fields[5];
		int worker = (int) fields[6];
		int sequence = (int) fields[7];
		long id = layout.compose(millis, shard, worker, sequence);
		assertThat(id).isNotNegative();
		assertThat(layout.epochMillisOf(id)).isEqualTo(millis);
		assertThat(layout.shardOf(id)).isEqualTo(shard);
		assertThat(layout.workerOf(id)).isEqualTo(worker);
		assertThat(layout.sequenceOf(id)).isEqualTo(sequence);
	}

	@Provide
	Arbitrary<long[]> fields() {
		Arbitrary<Long> epochs = Arbitraries.longs().between(-1L << 45, 1L << 45);
		Arbitrary<int[]> bits = Combinators
			.combine(Arbitraries.integers().between(1, 26), Arbitraries.integers().between(0, 26),
					Arbitraries.integers().between(1, 26))
			.as((shard, worker, sequence) -> new int[] { shard, worker, sequence })
			.filter((b) -> b[0] + b[1] + b[2] <= 28);
		return Combinators.combine(epochs, bits).flatAs((epoch, b) -> {
			int timeBits = 63 - b[0] - b[1] - b[2];
			return Combinators
				.combine(Arbitraries.longs().between(0, (1L << timeBits) - 1),
						Arbitraries.integers().between(0, (1 << b[0]) - 1),
						Arbitraries.integers().between(0, (1 << b[1]) - 1),
						Arbitraries.integers().between(0, (1 << b[2]) - 1))
				.as((elapsed, shard, worker, sequence) -> new long[] { epoch, b[0], b[1], b[2], elapsed, shard,
						worker, sequence });
		});
	}

	@Test
	void defaultLayout() {
		assertThat(LAYOUT.epoch()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
		assertThat(LAYOUT.timeBits()).isEqualTo(41);
		assertThat(LAYOUT.maxShards()).isEqualTo(1024);
		assertThat(LAYOUT.maxWorkers()).isEqualTo(32);
		assertThat(LAYOUT.maxSequence()).isEqualTo(128);
		assertThat(LAYOUT.describe()).isEqualTo("1 sign bit (always 0) | 41 time bits (ms since 2025-01-01T00:00:00Z, "
				+ "until 2094-09-07T15:47:35.551Z) | 10 shard bits (1024 shards) | 5 worker bits (32 workers) | "
				+ "7 sequence bits (128 IDs per ms per worker)");
	}

	@Test
	void extremesStayPositive() {
		long last = LAYOUT.compose(EPOCH + (1L << 41) - 1, 1023, 31, 127);
		assertThat(last).isEqualTo(Long.MAX_VALUE);
		assertThat(LAYOUT.compose(EPOCH, 0, 0, 0)).isZero();
	}

	@Test
	void shardOfIdMintedForShard7() {
		assertThat(LAYOUT.shardOf(LAYOUT.compose(EPOCH + 123_456_789L, 7, 3, 5))).isEqualTo(7);
	}

	@Test
	void layoutWithoutWorkerBits() {
		ShardlineIdLayout layout = new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, 0, 12);
		assertThat(layout.maxWorkers()).isEqualTo(1);
		long id = layout.compose(EPOCH + 42, 9, 0, 4095);
		assertThat(layout.workerOf(id)).isZero();
		assertThat(layout.shardOf(id)).isEqualTo(9);
		assertThat(layout.sequenceOf(id)).isEqualTo(4095);
	}

	@Test
	void rejectsInvalidLayouts() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardlineIdLayout(null, 10, 5, 7))
			.withMessage("The epoch of the ID layout must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 0, 5, 7))
			.withMessage("The ID layout needs at least 1 shard bit, but has 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, -1, 7))
			.withMessage("The ID layout needs at least 0 worker bits, but has -1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, 5, 0))
			.withMessage("The ID layout needs at least 1 sequence bit, but has 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, 10, 9))
			.withMessage("The ID layout leaves 34 time bits (63 - 10 shard - 10 worker - 9 sequence bits), but needs "
					+ "at least 35 (about a year of milliseconds); use fewer shard, worker or sequence bits");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, Integer.MAX_VALUE, 1, 1))
			.withMessageContaining("time bits");
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardlineIdLayout(Instant.MAX, 10, 5, 7))
			.withMessageContaining("is out of range");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ShardlineIdLayout(Instant.ofEpochMilli(Long.MAX_VALUE - 10), 10, 5, 7))
			.withMessageContaining("is too late");
		assertThat(new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, 10, 8).timeBits()).isEqualTo(35);
	}

	@Test
	void rejectsValuesThatDoNotFit() {
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH, 1024, 0, 0))
			.withMessage("Shard index 1024 is out of range: the ID layout has 10 shard bits, so it must be between 0 "
					+ "and 1023");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH, -1, 0, 0))
			.withMessageContaining("Shard index -1 is out of range");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH, 0, 32, 0))
			.withMessageContaining("Worker id 32 is out of range");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH, 0, 0, 128))
			.withMessageContaining("Sequence 128 is out of range");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH - 1, 0, 0, 0))
			.withMessage("Time 2024-12-31T23:59:59.999Z is outside the ID layout's time range, "
					+ "2025-01-01T00:00:00Z to 2094-09-07T15:47:35.551Z");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(EPOCH + (1L << 41), 0, 0, 0))
			.withMessageContaining("outside the ID layout's time range");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.compose(Long.MAX_VALUE, 0, 0, 0))
			.withMessageContaining("outside the ID layout's time range");
		assertThatIllegalArgumentException().isThrownBy(() -> LAYOUT.shardOf(-1))
			.withMessage("ID -1 is negative, so it is not a Shardline ID");
	}

	@Test
	void equalLayouts() {
		ShardlineIdLayout copy = new ShardlineIdLayout(Instant.parse("2025-01-01T00:00:00.000999Z"), 10, 5, 7);
		assertThat(copy).isEqualTo(LAYOUT).hasSameHashCodeAs(LAYOUT).hasToString(LAYOUT.describe());
		assertThat(new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 9, 6, 7)).isNotEqualTo(LAYOUT);
	}

}
