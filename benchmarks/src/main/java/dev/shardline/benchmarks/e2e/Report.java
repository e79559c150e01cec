package dev.shardline.benchmarks.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one run: every window and child, the ratios to the baseline of the same
 * repetition as median [min–max] across repetitions (and, when it ran, to the boot-hikari
 * reference), and the targets judged on them.
 */
public final class Report {

	/** Allocation the AOP invocation itself costs per call (the {@code noopAdvice} JMH figure). */
	static final double AOP_INVOCATION_BYTES = 96;

	private final Options options;

	private final List<Results.Window> windows = new ArrayList<>();

	private final List<Results.Child> children = new ArrayList<>();

	private final Map<String, String> environment = new LinkedHashMap<>();

	private final List<Double> loadAverages = new ArrayList<>();

	Report(Options options) {
		this.options = options;
	}

	void add(Results.Window window) {
		this.windows.add(window);
	}

	void add(Results.Child child) {
		this.children.add(child);
	}

	void environment(String name, String value) {
		this.environment.put(name, value);
	}

	void loadAverage(double oneMinute) {
		this.loadAverages.add(oneMinute);
	}

	/**
	 * Every window recorded.
	 * @return the windows
	 */
	public List<Results.Window> windows() {
		return List.copyOf(this.windows);
	}

	/**
	 * Every child recorded.
	 * @return the children
	 */
	public List<Results.Child> children() {
		return List.copyOf(this.children);
	}

	/**
	 * A window.
	 * @param system the system
	 * @param threads client threads
	 * @param repetition 1-based repetition
	 * @param workload the workload
	 * @return the window, if it was measured
	 */
	public Optional<Results.Window> window(SystemKind system, int threads, int repetition, Workload workload) {
		return this.windows.stream()
			.filter((w) -> w.system() == system && w.threads() == threads && w.repetition() == repetition
					&& w.workload() == workload)
			.findFirst();
	}

	/**
	 * Everything that went wrong: failed children, missing windows, windows with errors or a
	 * failed routing check.
	 * @return the failures, empty when the run is clean
	 */
	public List<String> failures() {
		List<String> failures = new ArrayList<>();
		for (Results.Child child : this.children) {
			if (child.failure() != null) {
				failures.add(child.system().id() + " t=" + child.threads() + " rep " + child.repetition() + ": "
						+ child.failure());
			}
		}
		for (int threads : this.options.threads()) {
			for (int rep = 1; rep <= this.options.repetitions(); rep++) {
				for (SystemKind system : this.options.systems()) {
					for (Workload workload : this.options.workloads()) {
						String where = system.id() + " t=" + threads + " rep " + rep + " " + workload + ": ";
						Optional<Results.Window> window = window(system, threads, rep, workload);
						if (window.isEmpty()) {
							failures.add(where + "not measured");
						}
						else if (!window.get().ok()) {
							failures.add(where + window.get().failure());
						}
					}
				}
			}
		}
		return failures;
	}

	/**
	 * The report as Markdown.
	 * @return the tables and the environment
	 */
	public String markdown() {
		StringBuilder md = new StringBuilder();
		md.append("## Environment\n\n");
		this.environment.forEach((name, value) -> md.append("- ").append(name).append(": ").append(value).append('\n'));
		if (!this.loadAverages.isEmpty()) {
			md.append("- 1-minute load average while running (sampled at each child start and each workload): median ")
				.append(range(this.loadAverages, 2))
				.append('\n');
		}
		md.append(String.format(Locale.ROOT,
				"- %d repetition(s), each with a fresh JVM per system (%s), started one after the other in an order "
						+ "rotating per repetition; per child a "
						+ "%s s pre-warm pass per workload; then per workload %s s warm-up and %s s measured in %d "
						+ "slice(s), the systems taking turns slice by slice (first turn rotating), each later slice "
						+ "after %s s of unmeasured re-warm%n",
				this.options.repetitions(), String.join(" ", this.options.systems().stream().map(SystemKind::id).toList()),
				trim(this.options.prewarmSeconds()), trim(this.options.warmupSeconds()),
				trim(this.options.measureSeconds()), this.options.slices(), trim(this.options.rewarmSeconds())));
		for (int threads : this.options.threads()) {
			md.append(String.format(Locale.ROOT, "%n## %d client thread%s: ratio to the baseline of the same repetition%n%n",
					threads, (threads == 1) ? "" : "s"));
			md.append("median [min–max] across repetitions; throughput higher is better, the rest lower is better. "
					+ "CPU/op is the whole client process (the target's measure); client-thread CPU/op is the calling "
					+ "threads' own (diagnosis: no JIT, GC or background threads).\n\n");
			md.append("| Workload | System | Throughput | p50 | p99 | CPU/op | Client-thread CPU/op | Alloc/op (B) "
					+ "| Alloc Δ (B/op) | Routing |\n");
			md.append("|---|---|---|---|---|---|---|---|---|---|\n");
			for (Workload workload : this.options.workloads()) {
				for (SystemKind system : this.options.systems()) {
					if (system == SystemKind.BASELINE) {
						continue;
					}
					md.append(ratioRow(threads, workload, system));
				}
			}
			md.append(bootReferenceTable(threads));
			md.append(String.format(Locale.ROOT, "%n### Baseline absolute figures, %d client thread%s%n%n", threads,
					(threads == 1) ? "" : "s"));
			md.append("| Workload | ops/s | p50 (µs) | p99 (µs) | CPU/op (µs) | Alloc/op (B) | Routing |\n");
			md.append("|---|---|---|---|---|---|---|\n");
			for (Workload workload : this.options.workloads()) {
				List<Results.Window> base = windows(SystemKind.BASELINE, threads, workload);
				md.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %s | %s | %s | %s |%n", workload,
						workload.description(), figure(base, Results.Window::throughput, 0),
						figure(base, Results.Window::p50Micros, 0), figure(base, Results.Window::p99Micros, 0),
						figure(base, Results.Window::cpuMicrosPerOp, 1), figure(base, Results.Window::allocBytesPerOp, 0),
						status(threads, workload, SystemKind.BASELINE)));
			}
		}
		md.append(startupTable());
		md.append(targets());
		return md.toString();
	}

	private String ratioRow(int threads, Workload workload, SystemKind system) {
		String status = status(threads, workload, system);
		if (!"ok".equals(status)) {
			return String.format(Locale.ROOT, "| %s | %s | – | – | – | – | – | – | – | %s |%n", workload, system.id(),
					status);
		}
		return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | ok |%n", workload, system.id(),
				ratio(threads, workload, system, Results.Window::throughput),
				ratio(threads, workload, system, Results.Window::p50Micros),
				ratio(threads, workload, system, Results.Window::p99Micros),
				ratio(threads, workload, system, Results.Window::cpuMicrosPerOp),
				ratio(threads, workload, system, Results.Window::clientCpuMicrosPerOp),
				figure(windows(system, threads, workload), Results.Window::allocBytesPerOp, 0),
				range(differences(threads, workload, system, Results.Window::allocBytesPerOp), 0));
	}

	/**
	 * "ok", or FAILED with the first reason, for a system's windows of a workload.
	 */
	String status(int threads, Workload workload, SystemKind system) {
		int failed = 0;
		String first = null;
		for (int rep = 1; rep <= this.options.repetitions(); rep++) {
			Optional<Results.Window> window = window(system, threads, rep, workload);
			String failure = window.isPresent() ? window.get().failure() : "not measured";
			if (failure != null) {
				failed++;
				first = (first != null) ? first : failure;
			}
		}
		if (failed == 0) {
			return (system == SystemKind.BASELINE) ? "ok" : status(threads, workload, SystemKind.BASELINE);
		}
		return "FAILED (" + failed + "/" + this.options.repetitions() + "): " + first.replace('|', '/');
	}

	List<Results.Window> windows(SystemKind system, int threads, Workload workload) {
		return this.windows.stream()
			.filter((w) -> w.system() == system && w.threads() == threads && w.workload() == workload && w.ok())
			.toList();
	}

	/** Per-repetition ratios system / baseline. */
	List<Double> ratios(int threads, Workload workload, SystemKind system, ToDoubleFunction<Results.Window> figure) {
		return ratios(threads, workload, system, SystemKind.BASELINE, figure);
	}

	/** Per-repetition ratios system / reference. */
	List<Double> ratios(int threads, Workload workload, SystemKind system, SystemKind reference,
			ToDoubleFunction<Results.Window> figure) {
		List<Double> ratios = new ArrayList<>();
		for (int rep = 1; rep <= this.options.repetitions(); rep++) {
			Optional<Results.Window> base = window(reference, threads, rep, workload);
			Optional<Results.Window> other = window(system, threads, rep, workload);
			if (base.isPresent() && other.isPresent() && base.get().ok() && other.get().ok()) {
				ratios.add(figure.applyAsDouble(other.get()) / figure.applyAsDouble(base.get()));
			}
		}
		return ratios;
	}

	/** Per-repetition differences system − baseline. */
	List<Double> differences(int threads, Workload workload, SystemKind system,
			ToDoubleFunction<Results.Window> figure) {
		return differences(threads, workload, system, SystemKind.BASELINE, figure);
	}

	/** Per-repetition differences system − reference. */
	List<Double> differences(int threads, Workload workload, SystemKind system, SystemKind reference,
			ToDoubleFunction<Results.Window> figure) {
		List<Double> differences = new ArrayList<>();
		for (int rep = 1; rep <= this.options.repetitions(); rep++) {
			Optional<Results.Window> base = window(reference, threads, rep, workload);
			Optional<Results.Window> other = window(system, threads, rep, workload);
			if (base.isPresent() && other.isPresent() && base.get().ok() && other.get().ok()) {
				differences.add(figure.applyAsDouble(other.get()) - figure.applyAsDouble(base.get()));
			}
		}
		return differences;
	}

	private String ratio(int threads, Workload workload, SystemKind system, ToDoubleFunction<Results.Window> figure) {
		return ratio(threads, workload, system, SystemKind.BASELINE, figure);
	}

	private String ratio(int threads, Workload workload, SystemKind system, SystemKind reference,
			ToDoubleFunction<Results.Window> figure) {
		List<Double> ratios = ratios(threads, workload, system, reference, figure);
		return ratios.isEmpty() ? "–" : range(ratios, 2) + "×";
	}

	/** Shardline against the same pools called from a Boot application, when that ran. */
	private String bootReferenceTable(int threads) {
		if (!this.options.systems().contains(SystemKind.BOOT_HIKARI)) {
			return "";
		}
		StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
				"%n### Shardline against boot-hikari, %d client thread%s (diagnosis)%n%n", threads,
				(threads == 1) ? "" : "s"));
		md.append("The same ratios with the boot-hikari reference of the same repetition as the denominator: what "
				+ "Shardline adds to an application that already runs Spring Boot.\n\n");
		md.append("| Workload | System | Throughput | p50 | CPU/op | Client-thread CPU/op | Alloc Δ (B/op) |\n");
		md.append("|---|---|---|---|---|---|---|\n");
		for (Workload workload : this.options.workloads()) {
			for (SystemKind system : this.options.systems()) {
				if (!system.shardline()) {
					continue;
				}
				String status = status(threads, workload, system);
				String reference = status(threads, workload, SystemKind.BOOT_HIKARI);
				if (!"ok".equals(status) || !"ok".equals(reference)) {
					md.append(String.format(Locale.ROOT, "| %s | %s | – | – | – | – | %s |%n", workload, system.id(),
							(!"ok".equals(status) ? status : "boot-hikari " + reference)));
					continue;
				}
				md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", workload, system.id(),
						ratio(threads, workload, system, SystemKind.BOOT_HIKARI, Results.Window::throughput),
						ratio(threads, workload, system, SystemKind.BOOT_HIKARI, Results.Window::p50Micros),
						ratio(threads, workload, system, SystemKind.BOOT_HIKARI, Results.Window::cpuMicrosPerOp),
						ratio(threads, workload, system, SystemKind.BOOT_HIKARI, Results.Window::clientCpuMicrosPerOp),
						range(differences(threads, workload, system, SystemKind.BOOT_HIKARI,
								Results.Window::allocBytesPerOp), 0)));
			}
		}
		return md.toString();
	}

	private static String figure(List<Results.Window> windows, ToDoubleFunction<Results.Window> figure, int decimals) {
		return windows.isEmpty() ? "–" : range(windows.stream().map(figure::applyAsDouble).toList(), decimals);
	}

	private String startupTable() {
		StringBuilder md = new StringBuilder();
		md.append("\n## Startup and memory (every child JVM of the run)\n\n");
		md.append("Startup: the child JVM's start (RuntimeMXBean) to its first successful query. Heap: used after the "
				+ "first warm-up and a System.gc().\n\n");
		md.append("| System | Startup (ms) | Δ vs baseline (ms) | Δ vs boot-plain (ms) | Heap after warm-up (MB) |\n");
		md.append("|---|---|---|---|---|\n");
		List<SystemKind> systems = new ArrayList<>(this.options.systems());
		if (this.options.startupReference()) {
			systems.add(SystemKind.BOOT_PLAIN);
		}
		for (SystemKind system : systems) {
			List<Double> startup = startups(system);
			List<Double> heap = this.children.stream()
				.filter((c) -> c.system() == system && c.heapAfterWarmupBytes() > 0)
				.map((c) -> c.heapAfterWarmupBytes() / 1048576.0)
				.toList();
			md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", system.label(), range(startup, 0),
					range(startupDifferences(system, SystemKind.BASELINE), 0),
					this.options.startupReference() ? range(startupDifferences(system, SystemKind.BOOT_PLAIN), 0) : "–",
					heap.isEmpty() ? "–" : range(heap, 0)));
		}
		return md.toString();
	}

	private List<Double> startups(SystemKind system) {
		return this.children.stream()
			.filter((c) -> c.system() == system && c.startupMillis() > 0)
			.map((c) -> (double) c.startupMillis())
			.toList();
	}

	List<Double> startupDifferences(SystemKind system, SystemKind reference) {
		List<Double> differences = new ArrayList<>();
		for (Results.Child child : this.children) {
			if (child.system() != system || child.startupMillis() <= 0) {
				continue;
			}
			this.children.stream()
				.filter((c) -> c.system() == reference && c.threads() == child.threads()
						&& c.repetition() == child.repetition() && c.startupMillis() > 0)
				.findFirst()
				.ifPresent((c) -> differences.add((double) (child.startupMillis() - c.startupMillis())));
		}
		return differences;
	}

	private String targets() {
		StringBuilder md = new StringBuilder("\n## Targets (W1–W4 at 1 client thread, medians)\n\n");
		if (!this.options.threads().contains(1)) {
			return md.append("Not judged: the run had no 1-thread windows.\n").toString();
		}
		md.append("| Workload | System | Throughput ≥ 0.97× | CPU/op ≤ 1.05× | Alloc/op ≤ baseline + ~96 B |\n");
		md.append("|---|---|---|---|---|\n");
		for (Workload workload : this.options.workloads()) {
			if (workload == Workload.W5) {
				continue;
			}
			for (SystemKind system : this.options.systems()) {
				if (!system.shardline()) {
					continue;
				}
				if (!"ok".equals(status(1, workload, system))) {
					md.append(String.format("| %s | %s | FAILED | FAILED | FAILED |%n", workload, system.id()));
					continue;
				}
				double throughput = median(ratios(1, workload, system, Results.Window::throughput));
				double cpu = median(ratios(1, workload, system, Results.Window::cpuMicrosPerOp));
				double alloc = median(differences(1, workload, system, Results.Window::allocBytesPerOp));
				md.append(String.format(Locale.ROOT, "| %s | %s | %s (%.2f×) | %s (%.2f×) | %s (%+.0f B) |%n", workload,
						system.id(), (throughput >= 0.97) ? "met" : "MISSED", throughput, (cpu <= 1.05) ? "met" : "MISSED",
						cpu, (alloc <= AOP_INVOCATION_BYTES * 1.1) ? "met" : "MISSED", alloc));
			}
		}
		if (this.options.startupReference()) {
			for (SystemKind system : this.options.systems()) {
				if (!system.shardline()) {
					continue;
				}
				List<Double> added = startupDifferences(system, SystemKind.BOOT_PLAIN);
				if (!added.isEmpty()) {
					double median = median(added);
					md.append(String.format(Locale.ROOT, "%nStartup added by Shardline (%s vs boot-plain): %+.0f ms: %s.%n",
							system.id(), median, (median < 1000) ? "met (< 1 s)" : "MISSED (≥ 1 s)"));
				}
			}
		}
		return md.toString();
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int n = sorted.length;
		return ((n % 2) == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	static String range(List<Double> values, int decimals) {
		if (values.isEmpty()) {
			return "–";
		}
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		String format = "%." + decimals + "f";
		String median = String.format(Locale.ROOT, format, median(values));
		if (sorted.length == 1) {
			return median;
		}
		return median + " [" + String.format(Locale.ROOT, format, sorted[0]) + "–"
				+ String.format(Locale.ROOT, format, sorted[sorted.length - 1]) + "]";
	}

	private static String trim(double seconds) {
		return (seconds == Math.rint(seconds)) ? Long.toString((long) seconds) : Double.toString(seconds);
	}

}
