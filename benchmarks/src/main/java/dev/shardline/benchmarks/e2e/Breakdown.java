package dev.shardline.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import com.sun.management.ThreadMXBean;
import dev.shardline.benchmarks.e2e.boot.BenchScatter;
import dev.shardline.benchmarks.e2e.boot.ItemRepository;
import dev.shardline.benchmarks.e2e.boot.ShardlineClients;
import dev.shardline.routing.RouteObserver;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRouting;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where Shardline's per-call cost goes, layer by layer, on one thread against the real
 * topology: the same statement on a plain pool, through Shardline's data source inside one
 * long-lived route, with a route per call (programmatic), through the annotated bean, and
 * through the annotated bean with the logging-MDC route observer detached; and for
 * scatter-gather, a plain executor against {@code ShardTemplate}. CPU is the calling thread's
 * own ({@code ThreadMXBean}; for scatter-gather plus the executor's threads), so background
 * threads do not blur it; allocation is exact. Diagnosis only: every layer runs in this one
 * JVM, interleaved round by round.
 */
final class Breakdown {

	private static final int CALLS = 10_000;

	private static final int ROUNDS = 7;

	private static final String BASELINE = "plain HikariCP pool (baseline)";

	private static final String IN_ROUTE = "Shardline data source, one route around all calls";

	private static final String PROGRAMMATIC = "Shardline programmatic, a route per call";

	private static final String ANNOTATED = "Shardline annotated bean";

	private static final String NO_MDC = "Shardline annotated bean, MDC route observer detached (diagnosis)";

	private Breakdown() {
	}

	/** Runs in a child JVM; prints one JSON line per workload and layer. */
	static void run() {
		long[] keys = Keys.compute().shard0;
		HikariClient baseline = new HikariClient(1);
		ConfigurableApplicationContext context = ShardlineClients.startContext(1);
		try {
			ItemRepository items = context.getBean(ItemRepository.class);
			ShardRouting routing = context.getBean(ShardRouting.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			ShardRouter router = context.getBean(ShardRouter.class);
			RouteObserver observer = observer(router);
			long[] nextId = { 9_000_000_000_000L };
			LongConsumer select = (key) -> jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, key);
			LongConsumer insert = (key) -> jdbc.update(Workload.INSERT, nextId[0]++, key, Workload.PAYLOAD);
			measure("W1", keys, List.of(new Layer(BASELINE, () -> time(baseline::selectOnPrimary, keys)),
					new Layer(IN_ROUTE, () -> routing.onShard(keys[0]).get(() -> time(select, keys))),
					new Layer(PROGRAMMATIC, () -> time((key) -> routing.onShard(key).get(() -> {
						select.accept(key);
						return null;
					}), keys)), new Layer(ANNOTATED, () -> time(items::find, keys)),
					new Layer(NO_MDC, () -> withoutObserver(router, observer, () -> time(items::find, keys)))));
			LongConsumer annotatedInsert = (key) -> items.insert(nextId[0]++, key, Workload.PAYLOAD);
			measure("W4", keys,
					List.of(new Layer(BASELINE, () -> time((key) -> baseline.insertOnShard0(nextId[0]++, key), keys)),
							new Layer(IN_ROUTE, () -> routing.onShard(keys[0]).get(() -> time(insert, keys))),
							new Layer(PROGRAMMATIC,
									() -> time((key) -> routing.onShard(key).run(() -> insert.accept(key)), keys)),
							new Layer(ANNOTATED, () -> time(annotatedInsert, keys)), new Layer(NO_MDC,
									() -> withoutObserver(router, observer, () -> time(annotatedInsert, keys)))));
			// W5: CPU and allocation of the caller and the scatter executor's threads
			BenchScatter scatter = context.getBean(BenchScatter.class);
			List<Thread> scatterThreads = scatter.executor().threads();
			measure("W5", keys, List.of(
					new Layer(BASELINE + ", 2 tasks on an executor",
							() -> time(baseline::countEverywhere, keys, baseline.helperThreads())),
					new Layer("ShardTemplate.readOnly().sum(callback without query timeout)",
							() -> time((key) -> scatter.template()
								.readOnly()
								.sum((shard) -> jdbc.queryForObject(Workload.COUNT_BY_CUSTOMER, Long.class, key))
								.value(), keys, scatterThreads)),
					new Layer("ShardTemplate.readOnly().sumLong(jdbc, sql): statement query timeout (the benchmark's call)",
							() -> time(items::countEverywhere, keys, scatterThreads))));
		}
		finally {
			context.close();
			baseline.close();
		}
	}

	/** One way of making the calls; returns {CPU ns, bytes} per call. */
	private record Layer(String name, Supplier<double[]> calls) {
	}

	private static void measure(String workload, long[] keys, List<Layer> layers) {
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		for (int round = 0; round <= ROUNDS; round++) {
			for (Layer layer : layers) {
				double[] figures = layer.calls().get();
				if (round > 0) {
					// round 0 warms every layer up
					samples.computeIfAbsent(layer.name(), (n) -> new ArrayList<>()).add(figures);
				}
			}
		}
		samples.forEach((name, list) -> {
			double cpu = Report.median(list.stream().map((f) -> f[0]).toList());
			double alloc = Report.median(list.stream().map((f) -> f[1]).toList());
			System.out.println(Json.write(Map.of("event", "layer", "workload", workload, "layer", name,
					"cpuNanosPerCall", cpu, "allocBytesPerCall", alloc)));
		});
	}

	private static double[] withoutObserver(ShardRouter router, RouteObserver observer, Supplier<double[]> calls) {
		router.setRouteObserver(null);
		try {
			return calls.get();
		}
		finally {
			router.setRouteObserver(observer);
		}
	}

	/** The observer the application configured (there is no getter: read for the diagnosis only). */
	private static RouteObserver observer(ShardRouter router) {
		try {
			java.lang.reflect.Field field = ShardRouter.class.getDeclaredField("observer");
			field.setAccessible(true);
			return (RouteObserver) field.get(router);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot read the router's observer", ex);
		}
	}

	/** Thread CPU ns and bytes allocated per call, over {@link #CALLS} calls on shard-0 keys. */
	private static double[] time(LongConsumer call, long[] keys) {
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		long id = Thread.currentThread().getId();
		long cpu = threads.getCurrentThreadCpuTime();
		long allocated = threads.getThreadAllocatedBytes(id);
		for (int i = 0; i < CALLS; i++) {
			call.accept(keys[i % keys.length]);
		}
		return new double[] { (threads.getCurrentThreadCpuTime() - cpu) / (double) CALLS,
				(threads.getThreadAllocatedBytes(id) - allocated) / (double) CALLS };
	}

	/**
	 * As {@link #time(LongConsumer, long[])} for work spread over helper threads: the CPU of
	 * the calling and helper threads, their allocation.
	 */
	private static double[] time(LongConsumer call, long[] keys, List<Thread> helpers) {
		ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
		List<Thread> all = new ArrayList<>(helpers);
		all.add(Thread.currentThread());
		long[] ids = all.stream().mapToLong(Thread::getId).toArray();
		long cpu = sum(threads.getThreadCpuTime(ids));
		long allocated = sum(threads.getThreadAllocatedBytes(ids));
		for (int i = 0; i < CALLS; i++) {
			call.accept(keys[i % keys.length]);
		}
		return new double[] { (sum(threads.getThreadCpuTime(ids)) - cpu) / (double) CALLS,
				(sum(threads.getThreadAllocatedBytes(ids)) - allocated) / (double) CALLS };
	}

	private static long sum(long[] values) {
		long total = 0;
		for (long value : values) {
			total += Math.max(0, value);
		}
		return total;
	}

	static String format(List<Map<String, Object>> layers) {
		StringBuilder md = new StringBuilder(
				"| Workload | Layer | CPU/call (µs) | Δ CPU vs baseline (µs) | Alloc/call (B) | Δ alloc (B) |\n"
						+ "|---|---|---|---|---|---|\n");
		Map<String, double[]> baseline = new LinkedHashMap<>();
		for (Map<String, Object> layer : layers) {
			String workload = (String) layer.get("workload");
			double cpu = ((Number) layer.get("cpuNanosPerCall")).doubleValue() / 1000;
			double alloc = ((Number) layer.get("allocBytesPerCall")).doubleValue();
			baseline.putIfAbsent(workload, new double[] { cpu, alloc });
			double[] base = baseline.get(workload);
			md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %+.2f | %.0f | %+.0f |%n", workload,
					layer.get("layer"), cpu, cpu - base[0], alloc, alloc - base[1]));
		}
		return md.toString();
	}

}
