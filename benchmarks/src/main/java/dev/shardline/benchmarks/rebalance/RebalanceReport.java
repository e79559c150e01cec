package dev.shardline.benchmarks.rebalance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.rebalance.RebalanceProgress;

/**
 * The figures of one rebalance benchmark run, as Markdown (for BENCHMARKS.md) and CSV (one line
 * per batch).
 */
public final class RebalanceReport {

	/** The mover's steps shown, in protocol order (names as KeyMover logs them). */
	static final List<String> STEPS = List.of("mark", "claim", "copy", "fence", "catch_up", "verify", "flip", "sweep",
			"done");

	/** Target: rows moved per second over the whole rebalance. */
	static final double TARGET_ROWS_PER_SECOND = 20_000;

	/** Target: the foreground's p99 during the rebalance within this factor of calm. */
	static final double TARGET_P99_RATIO = 2;

	/** Target (issue 14, item 2): no key's writes refused longer than this. */
	static final long TARGET_PAUSE_MILLIS = 1_000;

	private final RebalanceOptions options;

	private final Map<String, String> environment = new LinkedHashMap<>();

	private final List<Double> loadAverages = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	private final List<DirectoryLoad> directoryLoads = new ArrayList<>();

	private long keys;

	private long rowsSeeded;

	private long keysOn0;

	private long keysOn1;

	private long seedNanos;

	private long backfillKeys;

	private long backfillEntries;

	private boolean backfillComplete;

	private long backfillNanos;

	private String planDescription;

	private RebalanceProgress planned;

	private long planNanos;

	private RebalanceProgress finished;

	private long rebalanceNanos;

	private double peakRowsPerSecond;

	private List<BatchLog.Batch> batches = List.of();

	private List<String> batchFailures = List.of();

	private long refusedWrites;

	private Map<String, String> settings = Map.of();

	private Throttle throttle;

	private Foreground calm;

	private Foreground during;

	private long foregroundErrors;

	private List<String> firstForegroundErrors = List.of();

	private long[] checked;

	/** [keys, rows, nanoseconds] of the plain copy baseline, or null. */
	private long[] plainCopy;

	RebalanceReport(RebalanceOptions options) {
		this.options = options;
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

	void failure(String failure) {
		this.failures.add(failure);
	}

	void seeded(long keys, long rows, long on0, long on1, long nanos) {
		this.keys = keys;
		this.rowsSeeded = rows;
		this.keysOn0 = on0;
		this.keysOn1 = on1;
		this.seedNanos = nanos;
	}

	void backfilled(long keysSeen, long entries, boolean complete, long nanos) {
		this.backfillKeys = keysSeen;
		this.backfillEntries = entries;
		this.backfillComplete = complete;
		this.backfillNanos = nanos;
	}

	void rebalance(String description, RebalanceProgress planned, long planNanos, RebalanceProgress finished,
			long nanos, double peakRowsPerSecond, List<BatchLog.Batch> batches, List<String> batchFailures,
			long refusedWrites, Map<String, String> settings) {
		this.planDescription = description;
		this.planned = planned;
		this.planNanos = planNanos;
		this.finished = finished;
		this.rebalanceNanos = nanos;
		this.peakRowsPerSecond = peakRowsPerSecond;
		this.batches = List.copyOf(batches);
		this.batchFailures = List.copyOf(batchFailures);
		this.refusedWrites = refusedWrites;
		this.settings = settings;
	}

	void throttle(String replica, double heldSeconds, double throttledAtRelease, double requestedSeconds,
			long batchesAfterRelease) {
		this.throttle = new Throttle(replica, heldSeconds, throttledAtRelease, requestedSeconds, batchesAfterRelease);
	}

	void directoryLoad(DirectoryLoad load) {
		this.directoryLoads.add(load);
	}

	void foreground(RebalanceLoad load, double calmSeconds) {
		this.calm = new Foreground(load.operations(0), (long) (calmSeconds * 1e9), load.latencies(0), load.refused(0));
		this.during = new Foreground(load.operations(1), this.rebalanceNanos, load.latencies(1), load.refused(1));
		this.foregroundErrors = load.errorCount();
		this.firstForegroundErrors = load.firstErrors();
		if (this.foregroundErrors > 0) {
			this.failures.add(this.foregroundErrors + " foreground errors, first: " + this.firstForegroundErrors);
		}
	}

	void plainCopy(long keys, long rows, long nanos) {
		this.plainCopy = new long[] { keys, rows, nanos };
	}

	/** [keys, rows, nanoseconds] of the plain copy baseline, or null before it ran. */
	public long[] plainCopyResult() {
		return this.plainCopy;
	}

	void checked(long keys, long wrongEntry, long notActive, long missingRows, long misplacedRows) {
		this.checked = new long[] { keys, wrongEntry, notActive, missingRows, misplacedRows };
	}

	/** Failed checks, failed rebalance and foreground errors. */
	public List<String> failures() {
		return List.copyOf(this.failures);
	}

	/** The final progress of the rebalance (null before it ran). */
	public RebalanceProgress finished() {
		return this.finished;
	}

	/** The batches the mover finished during the rebalance. */
	public List<BatchLog.Batch> batches() {
		return this.batches;
	}

	/** The rebalance's wall time, startPlan to a finished state. */
	public long rebalanceNanos() {
		return this.rebalanceNanos;
	}

	/** Rows moved per second over the whole rebalance. */
	public double rowsPerSecond() {
		return (this.finished == null) ? 0 : this.finished.rowsDone() / (Math.max(1, this.rebalanceNanos) / 1e9);
	}

	/** Per-key write pauses (ms): each key's pause is its batch's, sorted. */
	public long[] keyPausesMillis() {
		long[] pauses = new long[this.batches.stream().mapToInt(BatchLog.Batch::keys).sum()];
		int at = 0;
		for (BatchLog.Batch batch : this.batches) {
			Arrays.fill(pauses, at, at + batch.keys(), batch.pauseMillis());
			at += batch.keys();
		}
		Arrays.sort(pauses);
		return pauses;
	}

	/** Foreground in the calm window. */
	public Foreground calm() {
		return this.calm;
	}

	/** Foreground during the rebalance. */
	public Foreground during() {
		return this.during;
	}

	/** Directory-load windows (default cache, then the small one). */
	public List<DirectoryLoad> directoryLoads() {
		return List.copyOf(this.directoryLoads);
	}

	/** [keys, keys whose entry is not the ring owner, entries not ACTIVE, keys without rows on their owner, keys with rows elsewhere]. */
	public long[] checked() {
		return this.checked;
	}

	/** The throttle run's figures, or null. */
	public Throttle throttleResult() {
		return this.throttle;
	}

	/** Foreground errors. */
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
		md.append(this.options.throttle() ? "## Rebalance: adding a shard, with a lagging replica\n\n"
				: "## Rebalance: adding a shard\n\n");
		this.environment.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
		md.append("- 1-minute load average during the run: ").append(this.loadAverages).append('\n');
		md.append(String.format("- Seeded %,d keys x %d rows = %,d rows by the 2-shard ring (shard-0 %,d keys, shard-1 "
				+ "%,d keys) in %.1f s; backfill recorded %,d keys (%,d entries, complete: %s) in %.1f s%n", this.keys,
				this.options.rowsPerKey(), this.rowsSeeded, this.keysOn0, this.keysOn1, this.seedNanos / 1e9,
				this.backfillKeys, this.backfillEntries, this.backfillComplete, this.backfillNanos / 1e9));
		md.append(String.format("- Foreground: %d threads per instance x 2 instances, half `@ReadOnly` reads of a key's "
				+ "20 newest orders, a quarter inserts, a quarter updates, of random seeded keys; %.0f s warm-up, %.0f s "
				+ "calm window%n", this.options.foregroundThreads(), this.options.warmupSeconds(),
				this.options.calmSeconds()));
		md.append("- Settings: ").append(this.settings).append(", replication check-interval 250ms")
			.append(this.options.extra().isEmpty() ? "" : "; set on the command line: " + this.options.extra())
			.append("\n\n");
		if (this.finished != null) {
			RebalanceProgress p = this.finished;
			md.append("### The rebalance\n\n");
			md.append("| Plan (keys / rows) | Planning | State | Keys moved | Rows moved | Total time | Rows/s (whole run) "
					+ "| Rows/s (peak of the 60 s window) | Batches (failed attempts) | Throttled | Refused foreground writes |\n");
			md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			md.append(String.format("| %,d / %,d | %.1f s | %s | %,d | %,d | %.1f s | %,.0f | %,.0f | %d (%d) | %.1f s | %,d |%n",
					this.planned.keysTotal(), this.planned.rowsTotal(), this.planNanos / 1e9, p.state().tag(), p.keysDone(),
					p.rowsDone(), this.rebalanceNanos / 1e9, rowsPerSecond(), this.peakRowsPerSecond, this.batches.size(),
					this.batchFailures.size(), p.throttledSeconds(), this.refusedWrites));
			long[] pauses = keyPausesMillis();
			md.append("\n### Write pause per key (its batch's fence-to-flip pause, ms)\n\n");
			md.append("| Keys | p50 | p99 | max | Batch keys p50 / max | Batch rows p50 / max |\n|---:|---:|---:|---:|---:|---:|\n");
			md.append(String.format("| %,d | %s | %s | %s | %s / %s | %s / %s |%n", pauses.length, ms(pct(pauses, 0.5)),
					ms(pct(pauses, 0.99)), ms(pct(pauses, 1)), fmt(pct(sorted((b) -> b.keys()), 0.5)),
					fmt(pct(sorted((b) -> b.keys()), 1)), fmt(pct(sorted((b) -> b.rows()), 0.5)),
					fmt(pct(sorted((b) -> b.rows()), 1))));
			md.append("\n### Where a batch's time goes: the mover's steps, median / max / sum over batches (ms)\n\n");
			md.append("The write pause is fence (acknowledgements + closing) + catch_up + verify + flip; copy runs before "
					+ "it (writes allowed), sweep after it.\n\n| Step | median | max | sum | share of batch time |\n"
					+ "|---|---:|---:|---:|---:|\n");
			long total = this.batches.stream().mapToLong(BatchLog.Batch::durationMillis).sum();
			for (String step : stepsSeen()) {
				long[] values = sorted((b) -> b.steps().getOrDefault(step, 0L));
				long sum = Arrays.stream(values).sum();
				md.append(String.format("| %s | %d | %d | %,d | %.0f %% |%n", step, pct(values, 0.5), pct(values, 1), sum,
						100.0 * sum / Math.max(1, total)));
			}
			long[] untimed = sorted(RebalanceReport::untimedMillis);
			long untimedSum = Arrays.stream(untimed).sum();
			md.append(String.format("| not in a step (preflight: connections, table and trigger checks; marking the entries COPYING) | %d | %d | %,d | %.0f %% |%n",
					pct(untimed, 0.5), pct(untimed, 1), untimedSum, 100.0 * untimedSum / Math.max(1, total)));
			md.append(String.format("| whole batch | %d | %d | %,d | (%d batches on %s workers: %.1f s of batch time in "
					+ "%.1f s) |%n", pct(sorted(BatchLog.Batch::durationMillis), 0.5),
					pct(sorted(BatchLog.Batch::durationMillis), 1), total, this.batches.size(),
					this.settings.getOrDefault("shardline.rebalance.workers", "?"), total / 1e3, this.rebalanceNanos / 1e9));
			if (this.plainCopy != null) {
				long copyMillis = Arrays.stream(sorted((b) -> b.steps().getOrDefault("copy", 0L))).sum();
				long copiedRows = this.batches.stream().mapToLong(BatchLog.Batch::rows).sum();
				double moverCopy = copiedRows / (Math.max(1, copyMillis) / 1e3);
				double plain = this.plainCopy[1] / (this.plainCopy[2] / 1e9);
				md.append(String.format("%nBaseline in the same run, just before the rebalance under the same foreground: the plainest copy of one batch's "
						+ "worth, %,d rows of %,d keys from shard-0 to a scratch table on shard-2 (one streamed `SELECT ... IN "
						+ "(...)`, 500-row `INSERT`s, median of 3), took %.0f ms: %,.0f rows/s. The mover's copy step moved "
						+ "%,.0f rows/s per batch (rows over the copy steps' summed time): %.2fx the "
						+ "baseline.%n", this.plainCopy[1], this.plainCopy[0], this.plainCopy[2] / 1e6, plain, moverCopy,
						moverCopy / Math.max(1e-9, plain)));
			}
		}
		if (this.calm != null && this.calm.operations() == 0) {
			md.append("\nNo foreground (--threads 0): the rebalance ran alone.\n");
		}
		else if (this.calm != null) {
			md.append("\n### Foreground (both instances) during the rebalance against the calm window before it\n\n");
			md.append("| | Ops/s | p50 (ms) | p99 (ms) | max (ms) | Refused writes |\n|---|---:|---:|---:|---:|---:|\n");
			md.append(this.calm.row("Calm")).append(this.during.row("During the rebalance"));
			md.append(String.format("%nThroughput ratio %.2f, p99 ratio %.2f.%n",
					this.during.throughput() / Math.max(1e-9, this.calm.throughput()),
					(double) this.during.p99() / Math.max(1, this.calm.p99())));
		}
		if (this.throttle != null) {
			md.append(String.format("%n### Throttle%n%nThe applier (SQL thread) of %s was stopped until the instance saw "
					+ "it lag more than lag-throttle-fraction x max-lag, the rebalance was started, and the applier was started "
					+ "again %.1f s later. Throttled time (progress().throttledSeconds()): %.1f s when the applier "
					+ "restarted, %.1f s in all; %d batches ran after it restarted, and the plan ended %s without any "
					+ "operator action.%n", this.throttle.replica(), this.throttle.heldSeconds(),
					this.throttle.throttledAtRelease(), this.finished.throttledSeconds(), this.throttle.batchesAfterRelease(),
					this.finished.state().tag()));
		}
		if (!this.directoryLoads.isEmpty()) {
			md.append("\n### Directory load after the backfill (look-ups reaching the directory's primary)\n\n");
			md.append(String.format("%,d keys in the directory, cache-ttl 10 s (default), 2 instances; the foreground "
					+ "as above, no rebalance running. Look-ups = the instances' directory cache misses (each one query on "
					+ "the directory's primary); rows read = the directory table's ROWS_READ in the server's table "
					+ "statistics; Com_select counts every SELECT on that primary (it is shard-0's primary too, so "
					+ "routed reads and monitor probes are in it).%n%n", this.keys));
			md.append("| cache-size | Routed ops/s | Look-ups/s on the directory primary | Look-ups per routed op "
					+ "| Directory rows read/s | Com_select/s | Entries cached (both instances, at the end) | Foreground p99 (ms) |\n");
			md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
			for (DirectoryLoad load : this.directoryLoads) {
				md.append(String.format("| %s | %,.0f | %,.0f | %.2f | %s | %,.0f | %,d | %.2f |%n", load.cacheSize(),
						load.opsPerSecond(), load.lookupsPerSecond(), load.lookupsPerOp(),
						(load.rowsRead() < 0) ? "–" : String.format("%,.0f", load.rowsRead() / load.seconds()),
						load.comSelect() / load.seconds(), load.cachedEntries(), load.p99Nanos() / 1e6));
			}
		}
		if (this.checked != null) {
			md.append(String.format("%nChecks: %,d keys; %d not on their ring owner in the directory, %d entries not "
					+ "ACTIVE, %d without rows on their owner, %d with rows on another shard.%n", this.checked[0],
					this.checked[1], this.checked[2], this.checked[3], this.checked[4]));
		}
		md.append(targets());
		md.append(String.format("%nForeground errors: %d%s. Failures: %s%n", this.foregroundErrors,
				this.firstForegroundErrors.isEmpty() ? "" : " " + this.firstForegroundErrors,
				this.failures.isEmpty() ? "none" : String.join("; ", this.failures)));
		if (!this.batchFailures.isEmpty()) {
			md.append("Failed batch attempts (rolled back, retried by a later round), by cause: ").append(failureCauses())
				.append('\n');
		}
		return md.toString();
	}

	private String targets() {
		if (this.finished == null || this.calm == null) {
			return "";
		}
		long[] pauses = keyPausesMillis();
		double p99Ratio = (double) this.during.p99() / Math.max(1, this.calm.p99());
		StringBuilder md = new StringBuilder("\nTargets: ");
		md.append(String.format("rows/s %,.0f against >= %,.0f: %s; ", rowsPerSecond(), TARGET_ROWS_PER_SECOND,
				(rowsPerSecond() >= TARGET_ROWS_PER_SECOND) ? "met" : "missed"));
		if (this.calm.operations() == 0) {
			md.append("foreground p99: no foreground (--threads 0); ");
		}
		else {
			md.append(String.format("foreground p99 %.2fx calm against <= %.0fx: %s; ", p99Ratio, TARGET_P99_RATIO,
					(p99Ratio <= TARGET_P99_RATIO) ? "met" : "missed"));
		}
		md.append(String.format("longest per-key write pause %d ms against <= %d ms: %s.%n", pct(pauses, 1),
				TARGET_PAUSE_MILLIS, (pct(pauses, 1) <= TARGET_PAUSE_MILLIS) ? "met" : "missed"));
		return md.toString();
	}

	/** Failed batch attempts counted by cause (the message's last clause). */
	public Map<String, Integer> failureCauses() {
		Map<String, Integer> causes = new java.util.TreeMap<>();
		for (String failure : this.batchFailures) {
			String cause;
			if (failure.contains("Deadlock found")) {
				cause = (failure.contains("Copying rows") ? "deadlock while copying" : "deadlock") + " on the target's primary";
			}
			else if (failure.contains("took longer than move-timeout")) {
				cause = "fenced phase longer than move-timeout";
			}
			else {
				cause = failure.substring(failure.lastIndexOf(": ") + 2);
			}
			causes.merge(cause, 1, Integer::sum);
		}
		return causes;
	}

	/** A batch's time outside its logged top-level steps (acknowledgements and closing are parts of fence). */
	static long untimedMillis(BatchLog.Batch batch) {
		long logged = 0;
		for (Map.Entry<String, Long> step : batch.steps().entrySet()) {
			if (!step.getKey().equals("acknowledgements") && !step.getKey().equals("closing")) {
				logged += step.getValue();
			}
		}
		return Math.max(0, batch.durationMillis() - logged);
	}

	private List<String> stepsSeen() {
		List<String> steps = new ArrayList<>(STEPS);
		for (BatchLog.Batch batch : this.batches) {
			for (String step : batch.steps().keySet()) {
				if (!steps.contains(step)) {
					steps.add(step);
				}
			}
		}
		steps.removeIf((step) -> this.batches.stream().noneMatch((b) -> b.steps().containsKey(step)));
		return steps;
	}

	private long[] sorted(java.util.function.ToLongFunction<BatchLog.Batch> value) {
		return this.batches.stream().mapToLong(value).sorted().toArray();
	}

	/** One line per batch. */
	public String csv() {
		StringBuilder csv = new StringBuilder("from,to,keys,rows,pause_ms,duration_ms,untimed_ms");
		List<String> steps = stepsSeen();
		steps.forEach((step) -> csv.append(',').append(step).append("_ms"));
		csv.append('\n');
		for (BatchLog.Batch b : this.batches) {
			csv.append(String.format("%s,%s,%d,%d,%d,%d,%d", b.from(), b.to(), b.keys(), b.rows(), b.pauseMillis(),
					b.durationMillis(), untimedMillis(b)));
			steps.forEach((step) -> csv.append(',').append(b.steps().getOrDefault(step, -1L)));
			csv.append('\n');
		}
		return csv.toString();
	}

	/** Nearest-rank percentile (1 = the maximum); -1 with no values. */
	static long pct(long[] sorted, double p) {
		if (sorted.length == 0) {
			return -1;
		}
		int rank = (int) Math.ceil(p * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	private static String ms(long millis) {
		return (millis < 0) ? "–" : String.valueOf(millis);
	}

	private static String fmt(long value) {
		return (value < 0) ? "–" : String.format("%,d", value);
	}

	/**
	 * The foreground in a window.
	 *
	 * @param operations successful operations
	 * @param nanos the window's length
	 * @param latencies their latencies, sorted (ns)
	 * @param refused writes refused because their key was moving
	 */
	public record Foreground(long operations, long nanos, long[] latencies, long refused) {

		public double throughput() {
			return this.operations / (Math.max(1, this.nanos) / 1e9);
		}

		public long p99() {
			return pct(this.latencies, 0.99);
		}

		String row(String name) {
			return String.format("| %s | %,.0f | %.2f | %.2f | %.1f | %,d |%n", name, throughput(),
					pct(this.latencies, 0.5) / 1e6, p99() / 1e6, pct(this.latencies, 1) / 1e6, this.refused);
		}

	}

	/**
	 * The throttle run's figures.
	 *
	 * @param replica the replica held back
	 * @param heldSeconds from the rebalance's start to the applier's restart
	 * @param throttledAtRelease throttled seconds reported when the applier restarted
	 * @param requestedSeconds the requested hold
	 * @param batchesAfterRelease batches finished after the applier restarted
	 */
	public record Throttle(String replica, double heldSeconds, double throttledAtRelease, double requestedSeconds,
			long batchesAfterRelease) {
	}

	/**
	 * One directory-load window.
	 *
	 * @param cacheSize the instances' {@code shardline.directory.cache-size}
	 * @param keys keys in the directory
	 * @param nanos the window's length
	 * @param operations routed foreground operations in it (both instances)
	 * @param lookups directory cache misses in it (both instances): queries to the directory
	 * @param rowsRead the directory table's rows read on its primary (-1: no table statistics)
	 * @param comSelect SELECT statements on the directory's primary
	 * @param cachedEntries entries cached at the end, both instances
	 * @param latencies the foreground's latencies, sorted (ns)
	 */
	public record DirectoryLoad(String cacheSize, long keys, long nanos, long operations, long lookups, long rowsRead,
			long comSelect, long cachedEntries, long[] latencies) {

		double seconds() {
			return this.nanos / 1e9;
		}

		public double opsPerSecond() {
			return this.operations / seconds();
		}

		public double lookupsPerSecond() {
			return this.lookups / seconds();
		}

		public double lookupsPerOp() {
			return (double) this.lookups / Math.max(1, this.operations);
		}

		long p99Nanos() {
			return pct(this.latencies, 0.99);
		}

		@Override
		public String toString() {
			return String.format("Directory load, cache-size %s: %,.0f routed ops/s, %,.0f look-ups/s (%.2f per op), "
					+ "%s directory rows read/s, %,.0f Com_select/s, %,d cached", this.cacheSize, opsPerSecond(),
					lookupsPerSecond(), lookupsPerOp(),
					(this.rowsRead < 0) ? "n/a" : String.format("%,.0f", this.rowsRead / seconds()),
					this.comSelect / seconds(), this.cachedEntries);
		}

	}

}
