package dev.shardline.benchmarks.move;

import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of the key-move report that are plain computation: the log parser and percentiles. */
class MoveReportTest {

	@Test
	void parsesTheMoversStepTimingsFromItsLogLine() {
		// A line KeyMover logged in the sample's move test.
		Map<String, Long> steps = StepTimings.parse("Moved key l:7001 from shard-0 to shard-1: {customers=1, orders=3} rows,"
				+ " writes paused 84 ms, in 1923 ms (copy 92 ms, fence 31 ms, catch_up 39 ms, verify 9 ms, flip 12 ms,"
				+ " sweep 18 ms, done 5 ms; of the fence: acknowledgements 7 ms, closing 15 ms)");
		assertThat(steps).containsExactly(Map.entry("copy", 92L), Map.entry("fence", 31L), Map.entry("catch_up", 39L),
				Map.entry("verify", 9L), Map.entry("flip", 12L), Map.entry("sweep", 18L), Map.entry("done", 5L),
				Map.entry("acknowledgements", 7L), Map.entry("closing", 15L));
		assertThat(StepTimings.parse("Move of key l:1 from shard-0 to shard-1 refused: no table")).isNull();
	}

	@Test
	void comparedPacingIsAnOption() {
		MoveOptions plain = MoveOptions.parse();
		assertThat(plain.compareNiceRatio()).isNull();
		assertThat(plain.compareBatchRows()).isNull();
		MoveOptions compared = MoveOptions.parse("--compare-nice-ratio", "0.5", "--compare-batch-rows", "100");
		assertThat(compared.compareNiceRatio()).isEqualTo(0.5);
		assertThat(compared.compareBatchRows()).isEqualTo(100);
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> MoveOptions.parse("--compare-batch-rows", "100"))
			.withMessageContaining("--compare-nice-ratio");
	}

	@Test
	void percentilesAreNearestRank() {
		long[] forty = LongStream.rangeClosed(1, 40).toArray();
		assertThat(MoveReport.percentile(forty, 0.5)).isEqualTo(20);
		assertThat(MoveReport.percentile(forty, 0.99)).as("of 40 values, p99 is the largest").isEqualTo(40);
		long[] hundredAndOne = LongStream.rangeClosed(1, 200).toArray();
		assertThat(MoveReport.percentile(hundredAndOne, 0.99)).isEqualTo(198);
		assertThat(MoveReport.percentile(new long[0], 0.99)).isEqualTo(-1);
	}

	@Test
	void timeOutsideTheLoggedStepsIsTheRestOfTheMove() {
		MoveReport.Move move = new MoveReport.Move(10, 1, "shard-0", "shard-1", null, 10, 50_000_000L, 300_000_000L,
				60_000_000L, 3, 0, true, Map.of("copy", 20L, "fence", 30L, "catch_up", 10L, "verify", 10L, "flip", 5L,
						"sweep", 25L, "done", 2L, "acknowledgements", 20L, "closing", 10L));
		assertThat(move.otherNanos()).isEqualTo(200_000_000L);
	}

}
