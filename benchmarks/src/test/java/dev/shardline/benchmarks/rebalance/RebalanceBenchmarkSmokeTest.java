package dev.shardline.benchmarks.rebalance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.shardline.rebalance.PlanState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the rebalance benchmark's smoke mode against a real 3-shard topology (two instances, a few
 * hundred keys): asserts that the rebalance finished, every key ended on its planned owner (its
 * directory entry and its rows), and every figure is there and sane, never how fast anything was
 * (that is the benchmark's job).
 */
class RebalanceBenchmarkSmokeTest {

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void smokeRunMovesEveryPlannedKeyAndReportsEveryFigure(@TempDir Path output) throws Exception {
		RebalanceOptions options = RebalanceOptions.parse("--smoke", "--out", output.toString());

		RebalanceReport report = RebalanceBenchmark.execute(options);

		assertThat(report.failures()).isEmpty();
		assertThat(report.foregroundErrors()).isZero();
		assertThat(report.checked()).as("keys checked, wrong entries, not ACTIVE, missing rows, misplaced rows")
			.containsExactly(options.keys(), 0, 0, 0, 0);
		assertThat(report.finished().state()).isEqualTo(PlanState.DONE);
		// The 3-shard ring takes about a third of the keys to shard-2.
		assertThat(report.finished().keysTotal()).isBetween(options.keys() / 6L, options.keys() / 2L);
		assertThat(report.finished().keysDone()).isEqualTo(report.finished().keysTotal());
		assertThat(report.finished().rowsDone()).isGreaterThanOrEqualTo(report.finished().keysDone() * options.rowsPerKey());
		assertThat(report.batches()).isNotEmpty().allSatisfy((batch) -> {
			assertThat(batch.to()).isEqualTo("shard-2");
			assertThat(batch.keys()).isPositive();
			assertThat(batch.rows()).isGreaterThanOrEqualTo(batch.keys());
			assertThat(batch.pauseMillis()).isLessThan(batch.durationMillis() + 1);
			assertThat(batch.steps()).containsKeys("copy", "fence", "catch_up", "flip", "sweep");
		});
		assertThat(report.batches().stream().mapToLong(BatchLog.Batch::keys).sum())
			.as("every moved key's batch was logged").isEqualTo(report.finished().keysDone());
		assertThat(report.keyPausesMillis()).hasSize((int) report.finished().keysDone());
		assertThat(report.rowsPerSecond()).isPositive();
		assertThat(report.calm().operations()).isPositive();
		assertThat(report.during().operations()).isPositive();
		assertThat(report.calm().p99()).isPositive();
		assertThat(report.during().p99()).isPositive();
		assertThat(report.directoryLoads()).hasSize(1).allSatisfy((load) -> {
			assertThat(load.operations()).isPositive();
			assertThat(load.lookups()).as("look-ups reaching the directory").isPositive();
			assertThat(load.lookups()).isLessThanOrEqualTo(load.operations() + 1_000);
			assertThat(load.comSelect()).isPositive();
		});
		assertThat(report.plainCopyResult()).as("plain copy baseline: keys, rows, nanoseconds").satisfies((copy) -> {
			assertThat(copy[0]).isPositive();
			assertThat(copy[1]).isGreaterThanOrEqualTo(copy[0] * options.rowsPerKey());
			assertThat(copy[2]).isPositive();
		});
		assertThat(report.loadAverages()).isNotEmpty();
		String markdown = Files.readString(output.resolve("report.md"));
		assertThat(markdown).contains("## Rebalance: adding a shard", "### Write pause per key", "Calm", "copy",
			"Look-ups/s on the directory primary", "Baseline in the same run", "Targets:");
		assertThat(Files.readAllLines(output.resolve("batches.csv"))).hasSize(1 + report.batches().size());
	}

	@Test
	void parsesTheMoversBatchLine() {
		BatchLog.Batch batch = BatchLog.parse("Moved a batch of 500 keys (l:1, l:2, l:3, ...) from shard-0 to shard-2: "
				+ "{bench_orders=5000} rows, writes paused 80 ms, in 900 ms (mark 3 ms, claim 2 ms, copy 400 ms, fence "
				+ "90 ms, catch_up 20 ms, flip 5 ms, sweep 300 ms; of the fence: acknowledgements 60 ms, closing 3 ms)", 7);

		assertThat(batch).isNotNull();
		assertThat(batch.keys()).isEqualTo(500);
		assertThat(batch.from()).isEqualTo("shard-0");
		assertThat(batch.to()).isEqualTo("shard-2");
		assertThat(batch.rows()).isEqualTo(5000);
		assertThat(batch.pauseMillis()).isEqualTo(80);
		assertThat(batch.durationMillis()).isEqualTo(900);
		assertThat(batch.steps()).containsEntry("copy", 400L).containsEntry("sweep", 300L)
			.containsEntry("acknowledgements", 60L);
		assertThat(BatchLog.parse("Moved key l:9 from shard-1 to shard-2: {bench_orders=10} rows, writes paused 50 ms, "
				+ "in 300 ms (copy 10 ms)", 1).keys()).isEqualTo(1);
		assertThat(BatchLog.parse("Rebalance plan 1 done", 1)).isNull();
	}

}
