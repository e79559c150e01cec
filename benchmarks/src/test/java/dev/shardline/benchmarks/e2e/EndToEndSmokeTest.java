package dev.shardline.benchmarks.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the end-to-end benchmark's smoke mode against a real topology: every system in its
 * own JVM, every workload, with the server-side routing check. Asserts that routing was right
 * and every figure is there, never how fast anything was (that is the benchmark's job).
 */
class EndToEndSmokeTest {

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void smokeRunRoutesEveryWorkloadRightAndReportsEveryFigure(@TempDir Path output) throws Exception {
		Options options = Options.parse("--smoke", "--out", output.toString());
		assertThat(options.workloads()).contains(Workload.W1, Workload.W2, Workload.W3, Workload.W4);
		assertThat(options.systems()).containsExactly(SystemKind.BASELINE, SystemKind.BOOT_HIKARI,
				SystemKind.ANNOTATED, SystemKind.PROGRAMMATIC);

		Report report = EndToEnd.execute(options);

		assertThat(report.failures()).isEmpty();
		for (SystemKind system : options.systems()) {
			assertThat(report.children()).filteredOn((child) -> child.system() == system)
				.singleElement()
				.satisfies((child) -> {
					assertThat(child.failure()).isNull();
					assertThat(child.startupMillis()).isPositive();
					assertThat(child.heapAfterWarmupBytes()).isPositive();
				});
			for (Workload workload : options.workloads()) {
				assertThat(report.window(system, 1, 1, workload)).hasValueSatisfying((window) -> {
					assertThat(window.routingPassed()).as("%s %s routing: %s", system, workload, window.perNode())
						.isTrue();
					assertThat(window.errors()).as("%s %s errors: %s", system, workload, window.error()).isZero();
					assertThat(window.ops()).isPositive();
					// the sum of every slice, not the last one only
					assertThat(window.seconds()).isBetween(options.measureSeconds() * 0.95,
							options.measureSeconds() * 3);
					assertThat(window.throughput()).isPositive();
					assertThat(window.p50Micros()).isPositive();
					assertThat(window.p99Micros()).isGreaterThanOrEqualTo(window.p50Micros());
					assertThat(window.cpuMicrosPerOp()).isPositive();
					assertThat(window.clientCpuMicrosPerOp()).isPositive();
					assertThat(window.allocBytesPerOp()).isPositive();
				});
			}
		}
		String markdown = Files.readString(output.resolve("report.md"));
		assertThat(markdown).contains("| W1 | annotated | ", "| W1 | programmatic | ", "| W1 | boot-hikari | ",
				"Shardline against boot-hikari", "Startup")
			.doesNotContain("FAILED");
		assertThat(output.resolve("results.jsonl")).isNotEmptyFile();
	}

}
