package dev.shardline.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;

/**
 * The end-to-end load benchmark: Shardline (annotations, programmatic) against plain HikariCP
 * on a real local topology of 2 shards, each a MariaDB primary with a replica.
 *
 * <p>This JVM (the parent) starts the topology, seeds {@code bench_items}, and for every
 * thread count and repetition starts a fresh child JVM per system (same {@code java}, same
 * class path), so systems never share dependencies or JIT state. The children of a repetition
 * live side by side and, workload by workload, take turns in short measured slices (the first
 * turn rotating), so every system's window interleaves with the baseline's within seconds.
 * Children report JSON lines on stdout; around each slice the parent reads every node's
 * statement counters, adds them up per window and checks the operations landed where they
 * should. Results: {@code results.jsonl} and {@code report.md} in the output directory, and
 * the report on stdout.
 *
 * <p>Run {@code java -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.e2e.EndToEnd}
 * (add {@code --smoke} for a quick pass, {@code --help} for options).
 */
public final class EndToEnd {

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		// Children must not outlive the parent, whatever ends it.
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "bench-children-cleanup"));
	}

	private final Options options;

	private final Report report;

	private final Path logs;

	private int childCount;

	private EndToEnd(Options options) throws IOException {
		this.options = options;
		this.report = new Report(options);
		this.logs = options.output().resolve("logs");
		Files.createDirectories(this.logs);
		// one run per directory: results.jsonl is appended to window by window
		Files.deleteIfExists(options.output().resolve("results.jsonl"));
	}

	/**
	 * Runs the benchmark (or, with {@code --child}, one child) and exits non-zero when any
	 * window failed.
	 * @param args the options, see {@link Options#USAGE}
	 * @throws Exception when the run cannot start
	 */
	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help")) {
			System.out.print(Options.USAGE);
			return;
		}
		Options options = Options.parse(args);
		if (options.child()) {
			if (options.breakdown()) {
				Breakdown.run();
				System.exit(0);
			}
			ChildMain.run(options);
			return;
		}
		if (options.breakdown()) {
			breakdown(options);
			return;
		}
		Report report = execute(options);
		System.exit(report.failures().isEmpty() ? 0 : 1);
	}

	/**
	 * Runs the whole benchmark in this JVM as the parent.
	 * @param options the options
	 * @return the report (also written to the output directory)
	 * @throws Exception when the topology cannot start or a node stops answering
	 */
	public static Report execute(Options options) throws Exception {
		return new EndToEnd(options).run();
	}

	private Report run() throws Exception {
		long started = System.nanoTime();
		this.report.environment("Machine", Runtime.getRuntime().availableProcessors() + " cores, "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version"));
		this.report.environment("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		this.report.environment("Spring Boot", Versions.springBoot());
		this.report.environment("HikariCP", Versions.maven("com.zaxxer", "HikariCP"));
		this.report.environment("MySQL Connector/J", com.mysql.cj.Constants.CJ_VERSION);
		List<String> childOptions = new ArrayList<>(jvmOptions());
		childOptions.addAll(this.options.childJvmArguments());
		this.report.environment("Child JVM options", String.join(" ", childOptions));
		log("Starting the topology (2 shards x (1 primary + 1 replica))");
		try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).start()) {
			this.report.environment("Topology", topology.providerName() + ", started in "
					+ topology.startupTime().toMillis() + " ms");
			this.report.environment("Server", serverVersion(topology.shard(0).primary()));
			seed(topology);
			try (ServerCounters counters = new ServerCounters(topology)) {
				for (int threads : this.options.threads()) {
					for (int rep = 1; rep <= this.options.repetitions(); rep++) {
						runRepetition(threads, rep, topology, counters);
					}
				}
			}
		}
		finally {
			RUNNING.forEach(Process::destroyForcibly);
		}
		this.report.environment("Run time", String.format("%.0f s", (System.nanoTime() - started) / 1e9));
		String markdown = this.report.markdown();
		Files.writeString(this.options.output().resolve("report.md"), markdown);
		System.out.println();
		System.out.println(markdown);
		List<String> failures = this.report.failures();
		if (!failures.isEmpty()) {
			System.out.println("FAILED windows:");
			failures.forEach((failure) -> System.out.println("  " + failure));
		}
		log("Results in " + this.options.output().toAbsolutePath());
		return this.report;
	}

	/**
	 * Runs {@link Breakdown} in one child JVM against a fresh topology and writes
	 * {@code breakdown.md}.
	 * @param options the options
	 * @throws Exception when the topology cannot start or the child fails
	 */
	static void breakdown(Options options) throws Exception {
		EndToEnd run = new EndToEnd(options);
		try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).start()) {
			run.seed(topology);
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(jvmOptions());
			command.addAll(options.childJvmArguments());
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			childProperties(SystemKind.ANNOTATED, topology).forEach((key, value) -> command.add("-D" + key + "=" + value));
			command.add(EndToEnd.class.getName());
			command.addAll(List.of("--child", "--breakdown"));
			Path log = run.logs.resolve("breakdown.log");
			log("Breakdown: one JVM, layers interleaved, 7 rounds of 10,000 calls each (about a minute)");
			Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			RUNNING.add(process);
			List<Map<String, Object>> layers = new ArrayList<>();
			try {
				BlockingQueue<String> lines = readLines(process.getInputStream());
				while (true) {
					String line = lines.poll(10, TimeUnit.MINUTES);
					if (line == null || line == END) {
						break;
					}
					if (line.startsWith("{")) {
						layers.add(Json.parse(line));
					}
				}
				if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0 || layers.isEmpty()) {
					throw new IllegalStateException("The breakdown child failed" + tail(log));
				}
			}
			finally {
				process.destroyForcibly();
				RUNNING.remove(process);
			}
			String markdown = Breakdown.format(layers);
			Files.writeString(options.output().resolve("breakdown.md"), markdown);
			System.out.println(markdown);
		}
	}

	private void seed(MySqlTopology topology) throws SQLException {
		Keys keys = Keys.compute();
		for (int shard = 0; shard < 2; shard++) {
			try (Connection connection = topology.shard(shard).primary().openConnection()) {
				try (Statement statement = connection.createStatement()) {
					statement.execute(Workload.CREATE_TABLE);
				}
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement(Workload.INSERT)) {
					int batched = 0;
					for (int i = 0; i < keys.all.length; i++) {
						if (keys.shardOfAll[i] != shard) {
							continue;
						}
						insert.setLong(1, keys.all[i]);
						insert.setLong(2, keys.all[i]);
						insert.setString(3, Workload.PAYLOAD);
						insert.addBatch();
						if (++batched % 1000 == 0) {
							insert.executeBatch();
						}
					}
					insert.executeBatch();
				}
				connection.commit();
			}
		}
		topology.awaitReplicationCaughtUp();
		log("Seeded " + keys.all.length + " rows (" + keys.shard0.length + " on shard-0), replicas caught up");
	}

	/**
	 * One repetition: the children start one after the other, in an order that rotates with
	 * the repetition (the startup reference among them), so no system always starts with the
	 * most idle JVMs beside it; then, workload by workload, they take turns slice by slice, the
	 * first turn rotating with slice and repetition, so every system's measured time sits
	 * within seconds of the baseline's.
	 */
	private void runRepetition(int threads, int rep, MySqlTopology topology, ServerCounters counters)
			throws Exception {
		List<SystemKind> starts = new ArrayList<>(this.options.systems());
		if (this.options.startupReference()) {
			starts.add(SystemKind.BOOT_PLAIN);
		}
		Collections.rotate(starts, -(rep - 1));
		List<Child> children = new ArrayList<>();
		try {
			for (SystemKind system : starts) {
				Child child = startChild(system, threads, rep, topology);
				if (system == SystemKind.BOOT_PLAIN) {
					// only its startup counts: it exits at once
					try {
						child.finish();
					}
					finally {
						child.destroy();
					}
				}
				else {
					children.add(child);
				}
			}
			// turns follow the configured order (the baseline first unless --baseline-last)
			children.sort(Comparator.comparingInt((Child c) -> this.options.systems().indexOf(c.system)));
			for (Child child : children) {
				child.prewarm();
			}
			for (Workload workload : this.options.workloads()) {
				this.report.loadAverage(loadAverage());
				for (int slice = 0; slice < this.options.slices(); slice++) {
					int monitors = (int) children.stream().filter(Child::alive).filter((c) -> c.system.shardline()).count();
					for (int turn = 0; turn < children.size(); turn++) {
						Child child = children.get((turn + slice + rep - 1) % children.size());
						child.slice(workload, slice, monitors, counters);
					}
				}
				for (Child child : children) {
					child.reportWindow(workload, topology);
				}
			}
			for (Child child : children) {
				child.finish();
			}
		}
		finally {
			children.forEach(Child::destroy);
		}
	}

	private Child startChild(SystemKind system, int threads, int rep, MySqlTopology topology) throws IOException {
		this.report.loadAverage(loadAverage());
		long idBase = ++this.childCount * 1_000_000_000L;
		List<Workload> workloads = (system == SystemKind.BOOT_PLAIN) ? List.of() : this.options.workloads();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions());
		command.addAll(this.options.childJvmArguments());
		String name = String.format("t%d-rep%d-%s", threads, rep, system.id());
		if (this.options.jfr()) {
			command.add("-XX:StartFlightRecording=settings=profile,filename="
					+ this.logs.resolve(name + ".jfr").toAbsolutePath());
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		childProperties(system, topology).forEach((key, value) -> command.add("-D" + key + "=" + value));
		command.add(EndToEnd.class.getName());
		command.addAll(ChildMain.arguments(system, threads, this.options, workloads, idBase));
		Child child = new Child(system, threads, rep, this.logs.resolve(name + ".log"), command);
		child.awaitStarted();
		return child;
	}

	/** One child JVM of a repetition, driven step by step; a failure ends only this child. */
	private final class Child {

		final SystemKind system;

		private final int threads;

		private final int rep;

		private final Path log;

		private final Process process;

		private final Writer toChild;

		private final BlockingQueue<String> lines;

		private final String where;

		private long startupMillis = -1;

		private long heap = -1;

		private String failure;

		private boolean recorded;

		private long[][] delta;

		private long allowance;

		private Map<String, Object> ready;

		private Map<String, Object> result;

		Child(SystemKind system, int threads, int rep, Path log, List<String> command) throws IOException {
			this.system = system;
			this.threads = threads;
			this.rep = rep;
			this.log = log;
			this.where = String.format("t=%d rep %d %-12s", threads, rep, system.id());
			this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			RUNNING.add(this.process);
			this.toChild = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
			this.lines = readLines(this.process.getInputStream());
		}

		boolean alive() {
			return this.failure == null;
		}

		void awaitStarted() {
			step(() -> {
				Map<String, Object> started = expect("started", 180);
				this.startupMillis = ((Number) started.get("startupMs")).longValue();
				log(String.format("%s started, first query after %d ms", this.where, this.startupMillis));
			});
		}

		void prewarm() {
			step(() -> {
				send("prewarm");
				expect("prewarmed", (long) (EndToEnd.this.options.prewarmSeconds()
						* EndToEnd.this.options.workloads().size()) + 120);
			});
		}

		void slice(Workload workload, int slice, int monitors, ServerCounters counters) {
			step(() -> {
				if (slice == 0) {
					this.delta = null;
					this.allowance = 0;
					this.result = null;
				}
				send("warm");
				this.ready = expect("ready", (long) EndToEnd.this.options.warmupSeconds() + 120);
				if (this.ready.get("heapAfterWarmupBytes") != null) {
					this.heap = ((Number) this.ready.get("heapAfterWarmupBytes")).longValue();
				}
				long[][] before = counters.read();
				send("go");
				this.result = expect("result", (long) EndToEnd.this.options.sliceSeconds() + 120);
				long[][] after = counters.read();
				this.delta = add(this.delta, counters.delta(before, after));
				this.allowance += RoutingCheck.allowance(EndToEnd.this.options.sliceSeconds(), monitors);
			});
		}

		void reportWindow(Workload workload, MySqlTopology topology) {
			if (alive() && this.result != null) {
				EndToEnd.this.report.add(window(this.system, this.threads, this.rep, workload,
						((Number) this.ready.get("warmupErrors")).longValue(), (String) this.ready.get("warmupError"),
						this.result, this.delta, this.allowance, topology));
			}
		}

		void finish() {
			step(() -> {
				if (this.system != SystemKind.BOOT_PLAIN) {
					send("finish");
				}
				expect("done", 60);
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					throw new ChildFailure("did not exit after its last window");
				}
			});
			record();
		}

		void destroy() {
			try {
				this.toChild.close();
			}
			catch (IOException ex) {
				// the child is going away: its end of the pipe may already be closed
			}
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
				try {
					this.process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			RUNNING.remove(this.process);
			record();
		}

		private void record() {
			if (!this.recorded) {
				this.recorded = true;
				EndToEnd.this.report.add(new Results.Child(this.system, this.threads, this.rep, this.startupMillis,
						this.heap, this.failure));
			}
		}

		/** Runs one step unless the child already failed; a failure is logged and kept. */
		private void step(Step step) {
			if (!alive()) {
				return;
			}
			try {
				step.run();
			}
			catch (ChildFailure ex) {
				fail(ex.getMessage());
			}
			catch (IOException ex) {
				// usually a child that died while idle: say how, not only that the pipe broke
				fail("lost the child's pipe: " + ex + exitCodeQuietly() + tail(this.log));
			}
			catch (RuntimeException ex) {
				// a malformed event or the like: this child's failure, not the whole run's
				fail(ex + tail(this.log));
			}
			catch (SQLException ex) {
				// the servers' counters are unreadable: no window can be checked any more
				throw new IllegalStateException("A node stopped answering: " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

		private void fail(String failure) {
			this.failure = failure;
			log(this.where + " FAILED: " + failure);
			this.process.destroyForcibly();
		}

		private String exitCodeQuietly() {
			try {
				return exitCode(this.process);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "";
			}
		}

		private Map<String, Object> expect(String event, long timeoutSeconds) throws InterruptedException {
			return EndToEnd.expect(this.lines, event, timeoutSeconds, this.process, this.log);
		}

		private void send(String word) throws IOException {
			EndToEnd.send(this.toChild, word);
		}

	}

	/** A step of the conversation with a child. */
	@FunctionalInterface
	private interface Step {

		void run() throws IOException, InterruptedException, SQLException;

	}

	private static long[][] add(long[][] sum, long[][] delta) {
		if (sum == null) {
			return delta;
		}
		for (int n = 0; n < sum.length; n++) {
			for (int c = 0; c < sum[n].length; c++) {
				sum[n][c] += delta[n][c];
			}
		}
		return sum;
	}

	private Results.Window window(SystemKind system, int threads, int rep, Workload workload, long warmupErrors,
			String warmupError, Map<String, Object> result, long[][] delta, long allowance, MySqlTopology topology) {
		long ops = number(result, "ops");
		double seconds = number(result, "elapsedNanos") / 1e9;
		long errors = number(result, "errors") + warmupErrors;
		String error = (result.get("firstError") != null) ? (String) result.get("firstError") : warmupError;
		RoutingCheck.Verdict verdict = RoutingCheck.check(workload, ops, number(result, "opsShard0"),
				number(result, "opsShard1"), delta, topology, allowance);
		double perOp = Math.max(1, ops);
		Results.Window window = new Results.Window(system, threads, rep, workload, ops, seconds, ops / seconds,
				number(result, "p50Nanos") / 1e3, number(result, "p99Nanos") / 1e3,
				number(result, "cpuNanos") / 1e3 / perOp, number(result, "clientCpuNanos") / 1e3 / perOp,
				number(result, "allocatedBytes") / perOp, errors, error,
				verdict.passed(), verdict.problems(), verdict.perNode());
		log(String.format("t=%d rep %d %-12s %s %8.0f ops/s p50 %6.0f µs p99 %6.0f µs CPU %5.1f µs/op alloc %6.0f B/op "
				+ "routing %s%s", threads, rep, system.id(), workload, window.throughput(), window.p50Micros(),
				window.p99Micros(), window.cpuMicrosPerOp(), window.allocBytesPerOp(),
				window.ok() ? "OK" : "FAILED " + window.failure(), verdict.perNode()));
		appendJson(window);
		return window;
	}

	private void appendJson(Results.Window window) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("system", window.system().id());
		values.put("threads", window.threads());
		values.put("repetition", window.repetition());
		values.put("workload", window.workload().name());
		values.put("ops", window.ops());
		values.put("seconds", window.seconds());
		values.put("throughput", window.throughput());
		values.put("p50Micros", window.p50Micros());
		values.put("p99Micros", window.p99Micros());
		values.put("cpuMicrosPerOp", window.cpuMicrosPerOp());
		values.put("clientCpuMicrosPerOp", window.clientCpuMicrosPerOp());
		values.put("allocBytesPerOp", window.allocBytesPerOp());
		values.put("errors", window.errors());
		values.put("ok", window.ok());
		values.put("failure", window.failure());
		try {
			Files.writeString(this.options.output().resolve("results.jsonl"), Json.write(values) + "\n",
					StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			log("Cannot append to results.jsonl: " + ex);
		}
	}

	private static long number(Map<String, Object> values, String name) {
		Object value = values.get(name);
		if (!(value instanceof Number number)) {
			throw new IllegalStateException("Child result lacks '" + name + "': " + values);
		}
		return number.longValue();
	}

	private static Map<String, String> childProperties(SystemKind system, MySqlTopology topology) {
		Map<String, String> properties = new LinkedHashMap<>();
		if (system == SystemKind.BOOT_PLAIN || system == SystemKind.BOOT_HIKARI) {
			// shardline.enabled=false in the application: Boot configures its own pool
			properties.put("bench.plain.url", topology.shard(0).primary().jdbcUrl());
			properties.put("bench.plain.username", topology.appUser());
			properties.put("bench.plain.password", topology.appPassword());
		}
		if (system != SystemKind.BOOT_PLAIN) {
			// the nodes, for Shardline and for the baseline's own pools
			properties.putAll(topology.shardlineProperties());
		}
		return properties;
	}

	static List<String> jvmOptions() {
		return List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");
	}

	private static BlockingQueue<String> readLines(InputStream stdout) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// the child went away: the end-of-stream marker below says so
			}
			lines.add(END);
		}, "bench-child-stdout");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private static final String END = "\u0000end";

	private static Map<String, Object> expect(BlockingQueue<String> lines, String event, long timeoutSeconds,
			Process process, Path log) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
		while (true) {
			String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line == null) {
				throw new ChildFailure("no '" + event + "' within " + timeoutSeconds + " s" + tail(log));
			}
			if (line == END) {
				throw new ChildFailure("exited before '" + event + "'" + exitCode(process) + tail(log));
			}
			if (!line.startsWith("{")) {
				continue;
			}
			Map<String, Object> values = Json.parse(line);
			if ("error".equals(values.get("event"))) {
				throw new ChildFailure(String.valueOf(values.get("message")) + tail(log));
			}
			if (event.equals(values.get("event"))) {
				return values;
			}
			throw new ChildFailure("sent '" + values.get("event") + "' where '" + event + "' was due");
		}
	}

	private static String exitCode(Process process) throws InterruptedException {
		return process.waitFor(5, TimeUnit.SECONDS) ? " (exit code " + process.exitValue() + ")" : "";
	}

	private static String tail(Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			return "; log " + log + ", last lines:\n    "
					+ String.join("\n    ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
		}
		catch (IOException ex) {
			return "; see " + log;
		}
	}

	private static void send(Writer toChild, String word) throws IOException {
		toChild.write(word + "\n");
		toChild.flush();
	}

	private static String serverVersion(TopologyNode node) throws SQLException {
		try (Connection connection = node.openAdminConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
			return rs.next() ? rs.getString(1) : "?";
		}
	}

	private static double loadAverage() {
		try {
			return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	private static void log(String message) {
		System.out.println("[e2e] " + message);
		System.out.flush();
	}

	/** A child that failed: its remaining windows are reported as not measured. */
	private static final class ChildFailure extends RuntimeException {

		ChildFailure(String message) {
			super(message);
		}

	}

	/** Versions of what is on the class path, for the report. */
	static final class Versions {

		private Versions() {
		}

		static String springBoot() {
			return resource("/dev/shardline/benchmarks/e2e/versions.properties").getProperty("spring-boot", "?");
		}

		static String maven(String group, String artifact) {
			return resource("/META-INF/maven/" + group + "/" + artifact + "/pom.properties").getProperty("version", "?");
		}

		private static Properties resource(String name) {
			Properties properties = new Properties();
			try (InputStream in = EndToEnd.class.getResourceAsStream(name)) {
				if (in != null) {
					properties.load(in);
				}
			}
			catch (IOException ex) {
				// reported as unknown
			}
			return properties;
		}

	}

}
