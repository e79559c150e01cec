package dev.shardline.benchmarks.move;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The figures of one key-move benchmark run, as Markdown (for BENCHMARKS.md) and CSV (one line
 * per move).
 */
public final class MoveReport {

	/** The mover's step timings shown, in protocol order (names as KeyMover logs them). */
	static final List<String> STEPS = List.of("copy", "acknowledgements", "closing", "catch_up", "verify", "flip",
			"sweep");

	private final MoveOptions options;

	private final Map<String, String> environment = new LinkedHashMap<>();

	/** Per size class (by identity: two compared movers may show the same label). */
	private final Map<SizeClass, long[][]> stepForeground = new java.util.IdentityHashMap<>();

	private final List<Double> loadAverages = new ArrayList<>();

	private final List<SizeClass> classes = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	private long foregroundErrors;

	private DigestCost digestCost;

	private List<String> firstForegroundErrors = List.of();

	MoveReport(MoveOptions options) {
		this.options = options;
	}

	/** Records the foreground's latencies during a class's moves by the mover's step (ordinal + 1). */
	void stepForeground(SizeClass sizeClass, long[][] latenciesByStep) {
		this.stepForeground.put(sizeClass, latenciesByStep);
	}

	void environment(String name, String value) {
		this.environment.put(name, value);
	}

	String server() {
		return this.environment.get("Server");
	}

	void loadAverage(double load) {
		this.loadAverages.add(load);
	}

	void sizeClass(SizeClass sizeClass) {
		this.classes.add(sizeClass);
	}

	void failure(String failure) {
		this.failures.add(failure);
	}

	void foregroundErrors(long count, List<String> first) {
		this.foregroundErrors = count;
		this.firstForegroundErrors = first;
		if (count > 0) {
			this.failures.add(count + " foreground errors, first: " + first);
		}
	}

	void digestCost(DigestCost cost) {
		this.digestCost = cost;
	}

	/** The digest-read diagnosis (null before it ran). */
	public DigestCost digestCost() {
		return this.digestCost;
	}

	/** Failed moves, foreground errors and rows left where they do not belong. */
	public List<String> failures() {
		return List.copyOf(this.failures);
	}

	/** The size classes measured. */
	public List<SizeClass> classes() {
		return List.copyOf(this.classes);
	}

	/** Foreground operations that failed (other keys: there should be none). */
	public long foregroundErrors() {
		return this.foregroundErrors;
	}

	/** The 1-minute load averages read during the run. */
	public List<Double> loadAverages() {
		return List.copyOf(this.loadAverages);
	}

	/** The report as Markdown. */
	public String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("## Key moves\n\n");
		this.environment.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
		md.append("- 1-minute load average during the run: ").append(this.loadAverages).append('\n');
		md.append(String.format("- %d moves per size class over %d keys each, %d foreground writer threads per "
				+ "instance, %.0f s calm window before each class%n%n", this.options.moves(),
				this.options.keysPerSize(), this.options.foregroundThreads(), this.options.calmSeconds()));
		md.append("### Write pause per key move (ms)\n\n");
		md.append("| Rows | Moves (ok) | Mover pause p50 | p99 | max | Client pause p50 | p99 | max | Refused writes "
				+ "(directory / fence trigger) | Move p50 | Rows/s (whole move) | Rows/s (copy) |\n");
		md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (SizeClass c : this.classes) {
			List<Move> ok = c.succeeded();
			md.append(String.format("| %s | %d (%d) | %s | %s | %s | %s | %s | %s | %d / %d | %s | %s | %s |%n", c.label(),
					c.moves().size(), ok.size(), ms(percentile(ok, Move::writePauseNanos, 0.50)),
					ms(percentile(ok, Move::writePauseNanos, 0.99)), ms(percentile(ok, Move::writePauseNanos, 1)),
					ms(percentile(ok, Move::clientPauseNanos, 0.50)), ms(percentile(ok, Move::clientPauseNanos, 0.99)),
					ms(percentile(ok, Move::clientPauseNanos, 1)), ok.stream().mapToLong(Move::directoryRefusals).sum(),
					ok.stream().mapToLong(Move::fenceRefusals).sum(), ms(percentile(ok, Move::durationNanos, 0.50)),
					rate(median(ok, (m) -> (long) (m.rows() * 1e9 / Math.max(1, m.durationNanos())))),
					rate(median(ok, (m) -> m.steps().getOrDefault("copy", 0L) == 0 ? 0
							: (long) (m.rows() * 1e3 / m.steps().get("copy"))))));
		}
		md.append("\n### Where the time goes: the mover's steps, median / max (ms)\n\n");
		md.append("The write pause is acknowledgements + closing + catch_up + verify + flip; copy runs before it "
				+ "(writes allowed), sweep after it (writes on the target).\n\n");
		md.append("| Rows |");
		STEPS.forEach((step) -> md.append(' ').append(step).append(" |"));
		md.append(" other (preflight, mark, done) |\n").append("|---:|");
		STEPS.forEach((step) -> md.append("---:|"));
		md.append("---:|\n");
		for (SizeClass c : this.classes) {
			md.append(String.format("| %s |", c.label()));
			for (String step : STEPS) {
				List<Move> ok = c.succeeded();
				md.append(String.format(" %s / %s |", ms(median(ok, (m) -> m.steps().getOrDefault(step, -1L) * 1_000_000)),
						ms(percentile(ok, (m) -> m.steps().getOrDefault(step, -1L) * 1_000_000, 1))));
			}
			md.append(String.format(" %s / %s |%n", ms(median(c.succeeded(), Move::otherNanos)),
					ms(percentile(c.succeeded(), Move::otherNanos, 1))));
		}
		md.append("\n### Foreground (other keys, both instances) during the moves against the calm window before\n\n");
		md.append("| Rows | Calm ops/s | Calm p99 (ms) | During moves ops/s | During moves p99 (ms) | p99 ratio | "
				+ "Throughput ratio |\n");
		md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
		for (SizeClass c : this.classes) {
			md.append(String.format("| %s | %,.0f | %.2f | %,.0f | %.2f | %.2f | %.2f |%n", c.label(), c.calmThroughput(),
					c.calmP99Nanos() / 1e6, c.movingThroughput(), c.movingP99Nanos() / 1e6, c.p99Ratio(),
					c.movingThroughput() / c.calmThroughput()));
		}
		if (!this.stepForeground.isEmpty()) {
			md.append("\n### Foreground during the moves by the mover's step it started in: share of operations, "
					+ "p99 (ms) and p99 / calm p99\n\n");
			md.append("| Rows | Step | Share of ops | p99 (ms) | p99 ratio |\n|---:|:---|---:|---:|---:|\n");
			for (SizeClass c : this.classes) {
				long[][] bySteps = this.stepForeground.get(c);
				if (bySteps == null) {
					continue;
				}
				for (int s = 0; s < bySteps.length; s++) {
					if (bySteps[s].length == 0) {
						continue;
					}
					String step = (s == 0) ? "preflight"
							: dev.shardline.directory.KeyMover.Step.values()[s - 1].name().toLowerCase(java.util.Locale.ROOT);
					long p99 = percentile(bySteps[s], 0.99);
					md.append(String.format("| %s | %s | %.1f %% | %.2f | %.2f |%n", c.label(), step,
							100.0 * bySteps[s].length / Math.max(1, c.movingOps()), p99 / 1e6,
							(double) p99 / Math.max(1, c.calmP99Nanos())));
				}
			}
		}
		if (this.digestCost != null) {
			md.append(String.format("%n### Reading one key's row digests, on its quiet primary (%,d rows, median of 5)%n%n"
					+ "| Streamed to the JVM, per row (as catch-up and verify read each side) | Folded on the server "
					+ "into one row | The same, plain column values (no exact-text conversions) | `COUNT(*)` |%n"
					+ "|---:|---:|---:|---:|%n| %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
					this.digestCost.rows(), this.digestCost.streamedNanos() / 1e6, this.digestCost.aggregatedNanos() / 1e6,
					this.digestCost.rawAggregatedNanos() / 1e6, this.digestCost.countNanos() / 1e6));
		}
		md.append(String.format("%nForeground errors: %d%s. Failures: %s%n", this.foregroundErrors,
				this.firstForegroundErrors.isEmpty() ? "" : " " + this.firstForegroundErrors,
				this.failures.isEmpty() ? "none" : String.join("; ", this.failures)));
		return md.toString();
	}

	/** One line per move. */
	public String csv() {
		StringBuilder csv = new StringBuilder("size,key,from,to,outcome,rows,mover_pause_ms,client_pause_ms,"
				+ "duration_ms,directory_refusals,fence_refusals,writable_after");
		STEPS.forEach((step) -> csv.append(',').append(step).append("_ms"));
		csv.append('\n');
		for (SizeClass c : this.classes) {
			for (Move m : c.moves()) {
				csv.append(String.format("%d,%d,%s,%s,%s,%d,%.1f,%.1f,%.1f,%d,%d,%s", m.size(), m.key(), m.from(), m.to(),
						m.failure() == null ? "moved" : "failed", m.rows(), m.writePauseNanos() / 1e6,
						m.clientPauseNanos() / 1e6, m.durationNanos() / 1e6, m.directoryRefusals(), m.fenceRefusals(),
						m.writableAfter()));
				STEPS.forEach((step) -> csv.append(',').append(m.steps().getOrDefault(step, -1L)));
				csv.append('\n');
			}
		}
		return csv.toString();
	}

	/** Nearest-rank percentile (1 = the maximum); -1 with no values. */
	static long percentile(List<Move> moves, ToLongFunction<Move> value, double p) {
		long[] values = moves.stream().mapToLong(value).filter((v) -> v >= 0).sorted().toArray();
		return percentile(values, p);
	}

	static long percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return -1;
		}
		int rank = (int) Math.ceil(p * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	private static long median(List<Move> moves, ToLongFunction<Move> value) {
		return percentile(moves, value, 0.5);
	}

	private static String ms(long nanos) {
		return (nanos < 0) ? "–" : String.format("%.0f", nanos / 1e6);
	}

	private static String rate(long perSecond) {
		return (perSecond <= 0) ? "–" : String.format("%,d", perSecond);
	}

	/**
	 * One move.
	 *
	 * @param size the size class (rows seeded per key)
	 * @param key the key
	 * @param from the source
	 * @param to the target
	 * @param failure why it failed, or null
	 * @param rows rows copied
	 * @param writePauseNanos the mover's {@code MoveReport.writePause()}
	 * @param durationNanos the {@code move} call, as timed by the caller
	 * @param clientPauseNanos the longest stretch a writer of the key saw its writes refused
	 * @param directoryRefusals writes refused with {@code ShardMovingException}
	 * @param fenceRefusals writes refused by the source's fence trigger
	 * @param writableAfter whether the key's writers wrote it again after the move
	 * @param steps the mover's logged step timings (ms)
	 */
	public record Move(int size, long key, String from, String to, String failure, long rows, long writePauseNanos,
			long durationNanos, long clientPauseNanos, long directoryRefusals, long fenceRefusals,
			boolean writableAfter, Map<String, Long> steps) {

		/** The move's time outside the logged steps (preflight, marking, the final ACTIVE), -1 unknown. */
		public long otherNanos() {
			if (!this.steps.containsKey("copy")) {
				return -1;
			}
			long logged = 0;
			for (String step : List.of("copy", "fence", "catch_up", "verify", "flip", "sweep")) {
				logged += this.steps.getOrDefault(step, 0L);
			}
			return Math.max(0, this.durationNanos - logged * 1_000_000);
		}

		@Override
		public String toString() {
			return String.format("%,6d rows %s -> %s: %s, mover pause %.0f ms, client pause %.0f ms, %.0f ms, refused"
					+ " %d/%d, steps %s", this.rows, this.from, this.to, (this.failure == null) ? "moved" : this.failure,
					this.writePauseNanos / 1e6, this.clientPauseNanos / 1e6, this.durationNanos / 1e6,
					this.directoryRefusals, this.fenceRefusals, this.steps);
		}

	}

	/**
	 * A size class: its moves and the foreground around them.
	 *
	 * @param size rows per key
	 * @param label the class as shown: its size, and the mover's copy pacing when two are compared
	 * @param moves the moves
	 * @param calmNanos the calm window's length
	 * @param calmOps foreground operations in it
	 * @param calmLatencies their latencies, sorted (ns)
	 * @param movingNanos the time moves ran
	 * @param movingOps foreground operations started while a move ran
	 * @param movingLatencies their latencies, sorted (ns)
	 */
	public record SizeClass(int size, String label, List<Move> moves, long calmNanos, long calmOps, long[] calmLatencies,
			long movingNanos, long movingOps, long[] movingLatencies) {

		/** The moves that succeeded. */
		public List<Move> succeeded() {
			return this.moves.stream().filter((m) -> m.failure() == null).toList();
		}

		public double calmThroughput() {
			return this.calmOps / (this.calmNanos / 1e9);
		}

		public double movingThroughput() {
			return this.movingOps / (Math.max(1, this.movingNanos) / 1e9);
		}

		public long calmP99Nanos() {
			return percentile(this.calmLatencies, 0.99);
		}

		public long movingP99Nanos() {
			return percentile(this.movingLatencies, 0.99);
		}

		/** The foreground's p99 during moves over its calm p99. */
		public double p99Ratio() {
			return (double) movingP99Nanos() / Math.max(1, calmP99Nanos());
		}

		@Override
		public String toString() {
			return "SizeClass[" + this.size + " rows, " + this.moves.size() + " moves, calm " + this.calmOps
					+ " ops, moving " + this.movingOps + " ops, latencies " + Arrays.toString(new long[] {
						calmP99Nanos(), movingP99Nanos() }) + "]";
		}

	}

}
