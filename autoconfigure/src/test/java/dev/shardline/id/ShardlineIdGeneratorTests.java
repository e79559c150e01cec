package dev.shardline.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * Tests for {@link ShardlineIdGenerator}.
 */
class ShardlineIdGeneratorTests {

	private static final ShardlineIdLayout LAYOUT = ShardlineIdLayout.DEFAULT;

	private static final long T = Instant.parse("2025-11-26T09:12:34Z").toEpochMilli();

	@Test
	void idsArePositiveAndIncreasePerShard() {
		ShardlineIdGenerator generator = new ShardlineIdGenerator(LAYOUT, 3, Clock.systemUTC());
		long[] lastPerShard = new long[4];
		long previousMillis = 0;
		for (int i = 0; i < 20_000; i++) {
			int shard = i % 4;
			long id = generator.next(shard);
			assertThat(id).isPositive().isGreaterThan(lastPerShard[shard]);
			assertThat(LAYOUT.shardOf(id)).isEqualTo(shard);
			assertThat(LAYOUT.workerOf(id)).isEqualTo(3);
			// across shards, IDs are ordered by millisecond
			assertThat(LAYOUT.epochMillisOf(id)).isGreaterThanOrEqualTo(previousMillis);
			lastPerShard[shard] = id;
			previousMillis = LAYOUT.epochMillisOf(id);
		}
		long single = -1;
		for (int i = 0; i < 20_000; i++) {
			long id = generator.next(7);
			assertThat(id).isGreaterThan(single);
			single = id;
		}
	}

	@Test
	void shardOfIdMintedForShard7Is7() {
		long id = new ShardlineIdGenerator(LAYOUT, 0, Clock.systemUTC()).next(7);
		assertThat(LAYOUT.shardOf(id)).isEqualTo(7);
	}

	@Test
	void manyThreadsMintNoDuplicates() throws Exception {
		// 12 sequence bits, so 400,000 IDs take about 100 ms rather than 3 s
		ShardlineIdLayout layout = new ShardlineIdLayout(ShardlineIdLayout.DEFAULT_EPOCH, 10, 0, 12);
		assertNoDuplicates(new ShardlineIdGenerator(layout, 0, Clock.systemUTC()), 8, 50_000);
	}

	@Test
	void manyThreadsMintNoDuplicatesWithDefaultLayout() throws Exception {
		// 128 IDs per millisecond, so the threads keep using up the sequence and waiting
		assertNoDuplicates(new ShardlineIdGenerator(LAYOUT, 0, Clock.systemUTC()), 8, 5_000);
	}

	private void assertNoDuplicates(ShardlineIdGenerator generator, int threads, int perThread) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<long[]>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int shard = t % 2;
				Callable<long[]> task = () -> {
					long[] ids = new long[perThread];
					for (int i = 0; i < perThread; i++) {
						ids[i] = generator.next(shard);
						if (i > 0) {
							assertThat(ids[i]).isGreaterThan(ids[i - 1]);
						}
					}
					return ids;
				};
				futures.add(executor.submit(task));
			}
			Set<Long> all = new HashSet<>(threads * perThread * 2);
			for (Future<long[]> future : futures) {
				for (long id : future.get()) {
					assertThat(all.add(id)).as("duplicate ID %d", id).isTrue();
				}
			}
			assertThat(all).hasSize(threads * perThread);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void workersNeverCollideOnTheSameShardAndMillisecond() {
		Clock fixed = Clock.fixed(Instant.ofEpochMilli(T), ZoneOffset.UTC);
		ShardlineIdGenerator one = new ShardlineIdGenerator(LAYOUT, 1, fixed);
		ShardlineIdGenerator two = new ShardlineIdGenerator(LAYOUT, 2, fixed);
		Set<Long> ids = new HashSet<>();
		for (int i = 0; i < LAYOUT.maxSequence(); i++) {
			long a = one.next(5);
			long b = two.next(5);
			assertThat(LAYOUT.workerOf(a)).isEqualTo(1);
			assertThat(LAYOUT.workerOf(b)).isEqualTo(2);
			assertThat(LAYOUT.epochMillisOf(a)).isEqualTo(T);
			assertThat(ids.add(a)).isTrue();
			assertThat(ids.add(b)).isTrue();
		}
		assertThat(ids).hasSize(2 * LAYOUT.maxSequence());
	}

	@Test
	void waitsForTheNextMillisecondWhenTheSequenceIsUsedUp() {
		// the clock stays at T for 200 reads, so the 129th ID must wait for it to move on
		ScriptedClock clock = new ScriptedClock((read) -> (read < 200) ? T : T + 1);
		ShardlineIdGenerator generator = new ShardlineIdGenerator(LAYOUT, 0, clock);
		for (int i = 0; i < 128; i++) {
			long id = generator.next(0);
			assertThat(LAYOUT.epochMillisOf(id)).isEqualTo(T);
			assertThat(LAYOUT.sequenceOf(id)).isEqualTo(i);
		}
		long id = generator.next(0);
		assertThat(clock.reads()).isGreaterThan(200);
		assertThat(LAYOUT.epochMillisOf(id)).isEqualTo(T + 1);
		assertThat(LAYOUT.sequenceOf(id)).isZero();
	}

	@Test
	void waitsOutASmallStepBack() {
		ScriptedClock clock = new ScriptedClock((read) -> (read == 0) ? T : (read < 4) ? T - 2 : T + 1);
		ShardlineIdGenerator generator = new ShardlineIdGenerator(LAYOUT, 0, clock);
		long first = generator.next(0);
		long second = generator.next(0);
		assertThat(clock.reads()).isEqualTo(5);
		assertThat(second).isGreaterThan(first);
		assertThat(LAYOUT.epochMillisOf(second)).isEqualTo(T + 1);
	}

	@Test
	void refusesALargeStepBack() {
		ScriptedClock clock = new ScriptedClock((read) -> (read == 0) ? T : T - 10_000);
		ShardlineIdGenerator generator = new ShardlineIdGenerator(LAYOUT, 0, clock);
		generator.next(0);
		assertThatExceptionOfType(ClockMovedBackwardsException.class).isThrownBy(() -> generator.next(0))
			.withMessage("The clock moved backwards by 10000 ms, more than the 5 ms Shardline waits out, so no ID is "
					+ "minted: it could repeat one already handed out. Fix the host's time synchronization (let NTP "
					+ "slew the clock rather than step it); IDs are minted again once the clock is past the last "
					+ "millisecond used.")
			.satisfies((ex) -> assertThat(ex.getMillisBehind()).isEqualTo(10_000));
	}

	@Test
	void rejectsWorkerIdsOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardlineIdGenerator(LAYOUT, 32, Clock.systemUTC()))
			.withMessage("shardline.id.worker-id must be between 0 and 31 (the ID layout has 5 worker bits), but is 32; "
					+ "give every application instance that mints IDs its own worker id");
		assertThatIllegalArgumentException().isThrownBy(() -> new ShardlineIdGenerator(LAYOUT, -1, Clock.systemUTC()))
			.withMessageStartingWith("shardline.id.worker-id must be between 0 and 31");
	}

	@Test
	void rejectsShardIndexesOutOfRange() {
		ShardlineIdGenerator generator = new ShardlineIdGenerator(LAYOUT, 0, Clock.systemUTC());
		assertThatIllegalArgumentException().isThrownBy(() -> generator.next(1024))
			.withMessage("Shard index 1024 is out of range: the ID layout has 10 shard bits, so it must be between 0 "
					+ "and 1023");
		assertThatIllegalArgumentException().isThrownBy(() -> generator.next(-1))
			.withMessageStartingWith("Shard index -1 is out of range");
	}

	@Test
	void rejectsAClockOutsideTheTimeRange() {
		Clock before = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);
		assertThatIllegalStateException().isThrownBy(() -> new ShardlineIdGenerator(LAYOUT, 0, before).next(0))
			.withMessageStartingWith("The clock reads 2024-06-01T00:00:00Z, outside the ID layout's time range");
	}

	/**
	 * A clock whose milliseconds are a function of how often it was read.
	 */
	private static final class ScriptedClock extends Clock {

		private final AtomicLong reads = new AtomicLong();

		private final LongUnaryOperator millisAtRead;

		ScriptedClock(LongUnaryOperator millisAtRead) {
			this.millisAtRead = millisAtRead;
		}

		long reads() {
			return this.reads.get();
		}

		@Override
		public long millis() {
			return this.millisAtRead.applyAsLong(this.reads.getAndIncrement());
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
