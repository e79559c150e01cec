package dev.shardline.benchmarks.e2e;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.benchmarks.e2e.boot.ShardlineClients;
import dev.shardline.benchmarks.e2e.plainboot.PlainBootClient;

/**
 * A child JVM: starts one system, runs the workloads it is told to, and talks to the parent
 * in JSON lines: it reports each event on stdout and waits for the parent's word on stdin
 * before each step ({@code prewarm}, then per workload and slice {@code warm} and {@code go},
 * finally {@code finish}). Its workers are parked between steps, so the parent can read the
 * servers' statement counters around exactly one measured slice, and the other children's
 * slices run while this one is idle.
 */
final class ChildMain {

	private final Options options;

	private final PrintStream out;

	private final BufferedReader in;

	private ChildMain(Options options) {
		this.options = options;
		// stdout is the protocol: nothing else may write to it (logging goes to stderr)
		this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
				StandardCharsets.UTF_8);
		System.setOut(System.err);
		this.in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
	}

	static void run(Options options) {
		ChildMain child = new ChildMain(options);
		try {
			child.runSystem();
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			child.emit(event("error").with("message", String.valueOf(ex)));
			System.exit(1);
		}
		System.exit(0);
	}

	private void runSystem() throws IOException {
		Keys keys = Keys.compute();
		SystemKind system = this.options.system();
		long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
		BenchClient client = startClient(system);
		try {
			String first = client.selectOnPrimary(keys.shard0[0]);
			long startupMillis = System.currentTimeMillis() - jvmStart;
			if (first == null) {
				throw new IllegalStateException("First query returned no row");
			}
			emit(event("started").with("system", system.id()).with("startupMs", startupMillis));
			if (system != SystemKind.BOOT_PLAIN) {
				runWorkloads(client, keys);
			}
		}
		finally {
			client.close();
		}
		emit(event("done"));
	}

	private BenchClient startClient(SystemKind system) {
		int threads = this.options.threads().get(0);
		return switch (system) {
			case BASELINE -> new HikariClient(threads);
			case BOOT_HIKARI -> new BootHikariClient(plainBoot(), new HikariClient(threads));
			case ANNOTATED -> ShardlineClients.start(threads, false);
			case PROGRAMMATIC -> ShardlineClients.start(threads, true);
			case BOOT_PLAIN -> plainBoot();
		};
	}

	private static PlainBootClient plainBoot() {
		return PlainBootClient.start(System.getProperty("bench.plain.url"), System.getProperty("bench.plain.username"),
				System.getProperty("bench.plain.password"));
	}

	private void runWorkloads(BenchClient client, Keys keys) throws IOException {
		int threads = this.options.threads().get(0);
		boolean first = true;
		try (LoadRunner runner = new LoadRunner(threads, client.helperThreads())) {
			// Nothing runs until the parent says so: the other children may be starting up.
			awaitParent("prewarm");
			Map<Workload, LoadRunner.Errors> prewarmErrors = new EnumMap<>(Workload.class);
			if (this.options.prewarmSeconds() > 0) {
				for (Workload workload : this.options.workloads()) {
					prewarmErrors.put(workload,
							runner.warmUp(operation(workload, client, keys), this.options.prewarmSeconds()));
				}
			}
			emit(event("prewarmed"));
			for (Workload workload : this.options.workloads()) {
				LoadRunner.Operation operation = operation(workload, client, keys);
				LoadRunner.Errors earlier = prewarmErrors.getOrDefault(workload, new LoadRunner.Errors(0, null));
				long warmupErrors = earlier.count();
				String warmupError = earlier.first();
				Totals totals = new Totals();
				for (int slice = 0; slice < this.options.slices(); slice++) {
					awaitParent("warm");
					LoadRunner.Errors warm = runner.warmUp(operation,
							(slice == 0) ? this.options.warmupSeconds() : this.options.rewarmSeconds());
					warmupErrors += warm.count();
					warmupError = (warmupError != null) ? warmupError : warm.first();
					Event ready = event("ready").with("workload", workload.name())
						.with("slice", slice)
						.with("warmupErrors", warmupErrors)
						.with("warmupError", warmupError);
					if (first) {
						System.gc();
						ready.with("heapAfterWarmupBytes",
								ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
						first = false;
					}
					emit(ready);
					awaitParent("go");
					LoadRunner.Window window = runner.measure(this.options.sliceSeconds(), slice == 0);
					totals.add(window);
					// every result is the workload's total so far; the parent keeps the last one
					emit(event("result").with("workload", workload.name())
						.with("slice", slice)
						.with("threads", threads)
						.with("ops", totals.ops)
						.with("elapsedNanos", totals.elapsedNanos)
						.with("opsShard0", totals.opsShard0)
						.with("opsShard1", totals.opsShard1)
						.with("p50Nanos", window.p50Nanos())
						.with("p99Nanos", window.p99Nanos())
						.with("cpuNanos", totals.cpuNanos)
						.with("clientCpuNanos", totals.clientCpuNanos)
						.with("allocatedBytes", totals.allocatedBytes)
						.with("errors", totals.errors)
						.with("firstError", totals.firstError));
				}
			}
			awaitParent("finish");
		}
	}

	/** A workload's figures summed over its slices (percentiles come from the runner). */
	private static final class Totals {

		long ops;

		long elapsedNanos;

		long opsShard0;

		long opsShard1;

		long cpuNanos;

		long clientCpuNanos;

		long allocatedBytes;

		long errors;

		String firstError;

		void add(LoadRunner.Window window) {
			this.ops += window.ops();
			this.elapsedNanos += window.elapsedNanos();
			this.opsShard0 += window.opsByShard()[0];
			this.opsShard1 += window.opsByShard()[1];
			this.cpuNanos += window.processCpuNanos();
			this.clientCpuNanos += window.clientCpuNanos();
			this.allocatedBytes += window.allocatedBytes();
			this.errors += window.errors().count();
			if (this.firstError == null) {
				this.firstError = window.errors().first();
			}
		}

	}

	private LoadRunner.Operation operation(Workload workload, BenchClient client, Keys keys) {
		long idBase = this.options.idBase();
		long[] shard0 = keys.shard0;
		long[] all = keys.all;
		int[] shardOf = keys.shardOfAll;
		return switch (workload) {
			case W1 -> (worker) -> {
				require(client.selectOnPrimary(shard0[worker.random.nextInt(shard0.length)]));
				return 0;
			};
			case W2 -> (worker) -> {
				require(client.selectOnReplica(shard0[worker.random.nextInt(shard0.length)]));
				return 0;
			};
			case W3 -> (worker) -> {
				int i = worker.random.nextInt(all.length);
				require(client.selectKeyed(all[i]));
				return shardOf[i];
			};
			case W4 -> (worker) -> {
				int i = worker.random.nextInt(all.length);
				// unique across workers and child JVMs: the parent gives each child its own base
				client.insert(idBase + worker.index * 100_000_000L + worker.sequence++, all[i]);
				return shardOf[i];
			};
			case W5 -> (worker) -> {
				if (client.countEverywhere(all[worker.random.nextInt(all.length)]) < 1) {
					throw new IllegalStateException("A seeded customer has no row on any shard");
				}
				return -1;
			};
		};
	}

	private static void require(String payload) {
		if (payload == null) {
			throw new IllegalStateException("A seeded row has a null payload");
		}
	}

	private void awaitParent(String word) throws IOException {
		String line = this.in.readLine();
		if (line == null) {
			// the parent is gone: do not outlive it
			System.exit(2);
		}
		if (!word.equals(line.trim())) {
			throw new IllegalStateException("Expected '" + word + "' from the parent, got '" + line + "'");
		}
	}

	private void emit(Event event) {
		this.out.println(Json.write(event.values));
		this.out.flush();
	}

	private static Event event(String name) {
		return new Event().with("event", name);
	}

	/** An event being built. */
	private static final class Event {

		final Map<String, Object> values = new LinkedHashMap<>();

		Event with(String name, Object value) {
			this.values.put(name, value);
			return this;
		}

	}

	static List<String> arguments(SystemKind system, int threads, Options options, List<Workload> workloads,
			long idBase) {
		List<String> arguments = new ArrayList<>(List.of("--child", "--system", system.id(), "--threads",
				Integer.toString(threads), "--prewarm", Double.toString(options.prewarmSeconds()), "--warmup",
				Double.toString(options.warmupSeconds()), "--measure", Double.toString(options.measureSeconds()),
				"--slices", Integer.toString(options.slices()), "--rewarm", Double.toString(options.rewarmSeconds()),
				"--id-base", Long.toString(idBase)));
		if (!workloads.isEmpty()) {
			arguments.add("--workloads");
			arguments.add(String.join(",", workloads.stream().map(Workload::name).toList()));
		}
		return arguments;
	}

}
