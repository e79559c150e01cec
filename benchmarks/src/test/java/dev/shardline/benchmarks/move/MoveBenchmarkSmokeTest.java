package dev.shardline.benchmarks.move;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the key-move benchmark's smoke mode against a real topology (two instances, tiny keys, two
 * moves per size): asserts that every move succeeded, every figure is there and sane, and nothing
 * was left behind, never how fast anything was (that is the benchmark's job).
 */
class MoveBenchmarkSmokeTest {

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void smokeRunMovesEveryKeyAndReportsEveryFigure(@TempDir Path output) throws Exception {
		MoveOptions options = MoveOptions.parse("--smoke", "--out", output.toString());

		MoveReport report = MoveBenchmark.execute(options);

		assertThat(report.failures()).isEmpty();
		assertThat(report.foregroundErrors()).isZero();
		assertThat(report.classes()).extracting(MoveReport.SizeClass::size).containsExactlyElementsOf(options.sizes());
		for (MoveReport.SizeClass sizeClass : report.classes()) {
			assertThat(sizeClass.moves()).hasSize(options.moves()).allSatisfy((move) -> {
				assertThat(move.failure()).isNull();
				assertThat(move.rows()).as("rows copied").isGreaterThanOrEqualTo(sizeClass.size());
				assertThat(move.writePauseNanos()).as("mover's pause").isPositive().isLessThan(move.durationNanos());
				assertThat(move.clientPauseNanos()).as("clients' pause").isLessThan(move.durationNanos() + 30_000_000_000L);
				assertThat(move.writableAfter()).as("writers wrote the key again after the move").isTrue();
				assertThat(move.steps()).as("step timings from the mover's log").containsKeys(MoveReport.STEPS.toArray(String[]::new));
			});
			assertThat(sizeClass.calmOps()).isPositive();
			assertThat(sizeClass.movingOps()).isPositive();
			assertThat(sizeClass.calmP99Nanos()).isPositive();
			assertThat(sizeClass.movingP99Nanos()).isPositive();
		}
		assertThat(report.loadAverages()).isNotEmpty();
		assertThat(report.digestCost()).satisfies((cost) -> {
			assertThat(cost.rows()).isGreaterThanOrEqualTo(options.sizes().get(options.sizes().size() - 1));
			assertThat(cost.streamedNanos()).isPositive();
			assertThat(cost.aggregatedNanos()).isPositive();
			assertThat(cost.countNanos()).isPositive();
		});
		String markdown = Files.readString(output.resolve("report.md"));
		assertThat(markdown).contains("## Key moves", "| 10 | 2 (2) |", "| 100 | 2 (2) |", "Calm ops/s", "Folded on the server")
			.doesNotContain("–");
		assertThat(Files.readAllLines(output.resolve("moves.csv"))).hasSize(1 + options.sizes().size() * options.moves());
	}

}
