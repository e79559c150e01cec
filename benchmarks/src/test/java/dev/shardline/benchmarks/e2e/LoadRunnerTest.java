package dev.shardline.benchmarks.e2e;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workload measured in slices: each slice counts its own operations, while the latency
 * percentiles cover every slice since the workload's first, until a first slice starts afresh.
 * No database: the operations only take known time.
 */
class LoadRunnerTest {

	private static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final LoadRunner.Operation FAST = (worker) -> 0;

	private static final LoadRunner.Operation SLOW = (worker) -> {
		LockSupport.parkNanos(SLOW_NANOS);
		return 1;
	};

	@Test
	void laterSlicesAddTheirLatencySamplesToTheEarlierOnesAndAFirstSliceStartsAfresh() {
		try (LoadRunner runner = new LoadRunner(1, List.of())) {
			runner.warmUp(FAST, 0.01);
			LoadRunner.Window fast = runner.measure(0.2, true);
			runner.warmUp(SLOW, 0.01);
			LoadRunner.Window slowAfterFast = runner.measure(0.2, false);
			runner.warmUp(SLOW, 0.01);
			LoadRunner.Window slowAlone = runner.measure(0.2, true);

			assertThat(fast.ops()).isGreaterThan(1_000);
			assertThat(fast.p99Nanos()).isLessThan(SLOW_NANOS);
			// this slice's operations only: at most 0.2 s / 5 ms of them, all on shard 1
			assertThat(slowAfterFast.ops()).isBetween(1L, 41L);
			assertThat(slowAfterFast.opsByShard()[1]).isEqualTo(slowAfterFast.ops());
			// ...but its median still counts the first slice's many fast samples
			assertThat(slowAfterFast.p50Nanos()).isLessThan(SLOW_NANOS);
			assertThat(slowAfterFast.p99Nanos()).isLessThan(SLOW_NANOS);
			// a first slice forgets the earlier samples
			assertThat(slowAlone.p50Nanos()).isGreaterThanOrEqualTo(SLOW_NANOS);
			assertThat(slowAlone.elapsedNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
		}
	}

}
