package dev.shardline.benchmarks.rebalance;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import dev.shardline.autoconfigure.ShardlineProperties;
import dev.shardline.benchmarks.move.app.OrderStore;
import dev.shardline.benchmarks.rebalance.app.OrderReader;
import dev.shardline.benchmarks.rebalance.app.RebalanceBenchApplication;
import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.directory.DirectoryKeys;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.rebalance.Plan;
import dev.shardline.rebalance.RebalanceProgress;
import dev.shardline.rebalance.Rebalancer;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouter;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.ServerFootprint;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The rebalance benchmark: adding a third shard to a running application, as README's "Adding a
 * shard" does it, on a real local topology (3 shards, each a MariaDB primary with a replica).
 *
 * <ol>
 * <li>Keys are seeded on shard-0 and shard-1 as the 2-shard ring places them (multi-row inserts
 * straight into the primaries: the rows exist before the directory knows the keys).</li>
 * <li>Two application instances (two Spring Boot contexts in this JVM) start configured with the
 * first two shards, the directory on with {@code assign-on-first-write}; the backfill records
 * every key; both stop.</li>
 * <li>Both start again with all three shards. Their foreground (reads and writes of random seeded
 * keys) runs a warm-up, then a calm window (also the directory-load window at the default cache
 * size: look-ups reaching the directory's primary against routed operations), then instance A
 * plans and runs the {@code add} rebalance with the same foreground. With {@code --throttle},
 * the applier of shard-2's replica is stopped until the instances see it lag more than half of
 * {@code max-lag}, the rebalance starts, and the applier restarts after {@code --throttle-seconds}.</li>
 * <li>Afterwards every key's directory entry and rows are checked against the 3-shard ring, and
 * the instances restart with a small directory cache for a second directory-load window.</li>
 * </ol>
 * Results: {@code report.md} and {@code batches.csv} in the output directory.
 *
 * <p>Run {@code java -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.rebalance.RebalanceBenchmark}
 * ({@code --smoke} for a quick pass, {@code --help} for options).
 */
public final class RebalanceBenchmark {

	static final long KEY_BASE = 500_000_000L;

	static final String DIRECTORY_TABLE = "shardline_directory";

	private static final int SEED_ROWS_PER_STATEMENT = 1_000;

	private final RebalanceOptions options;

	private final RebalanceReport report;

	private RebalanceBenchmark(RebalanceOptions options) {
		this.options = options;
		this.report = new RebalanceReport(options);
	}

	/**
	 * Runs the benchmark and prints the report; exits non-zero if a check failed.
	 * @param args the options, see {@link RebalanceOptions#USAGE}
	 * @throws Exception when the topology cannot start
	 */
	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help")) {
			System.out.print(RebalanceOptions.USAGE);
			return;
		}
		RebalanceReport report = execute(RebalanceOptions.parse(args));
		System.exit(report.failures().isEmpty() ? 0 : 1);
	}

	/**
	 * Runs the whole benchmark.
	 * @param options the options
	 * @return the report (also written to the output directory)
	 * @throws Exception when the topology cannot start or a node stops answering
	 */
	public static RebalanceReport execute(RebalanceOptions options) throws Exception {
		return new RebalanceBenchmark(options).run();
	}

	private RebalanceReport run() throws Exception {
		long started = System.nanoTime();
		Files.createDirectories(this.options.output());
		RebalanceReport report = this.report;
		report.environment("Machine", Runtime.getRuntime().availableProcessors() + " cores, "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version"));
		report.environment("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		report.loadAverage(loadAverage());
		log("Starting the topology (3 shards x (1 primary + 1 replica))");
		try (MySqlTopology topology = MySqlTopology.builder().shards(3).replicasPerShard(1).footprint(ServerFootprint.valueOf(System.getProperty("shardline.bench.footprint", "STANDARD"))).start()) {
			report.environment("Topology", topology.providerName() + ", 3 shards x (1 primary + 1 replica), started in "
					+ topology.startupTime().toMillis() + " ms");
			for (TopologyShard shard : topology.shards()) {
				try (Connection connection = shard.primary().openConnection();
						Statement statement = connection.createStatement()) {
					statement.execute(OrderStore.CREATE_TABLE);
					if (report.server() == null) {
						try (ResultSet rs = statement.executeQuery("SELECT VERSION()")) {
							rs.next();
							report.environment("Server", rs.getString(1));
						}
					}
				}
			}
			List<String> two = List.of("shard-0", "shard-1");
			List<String> three = List.of("shard-0", "shard-1", "shard-2");
			long[] keys = seed(topology, two);
			report.loadAverage(loadAverage());
			backfill(topology, two);
			RebalanceLoad load = new RebalanceLoad(keys, this.options.rowsPerKey());
			try (ConfigurableApplicationContext a = start(topology, three, null);
					ConfigurableApplicationContext b = start(topology, three, null)) {
				load.start("a", a.getBean(OrderStore.class), a.getBean(OrderReader.class), this.options.foregroundThreads());
				load.start("b", b.getBean(OrderStore.class), b.getBean(OrderReader.class), this.options.foregroundThreads());
				try {
					log(String.format("Foreground: %.0f s warm-up, %.0f s calm", this.options.warmupSeconds(),
							this.options.calmSeconds()));
					sleep(this.options.warmupSeconds());
					report.directoryLoad(directoryWindow(topology, List.of(a, b), load, 0, "100000 (default)"));
					report.loadAverage(loadAverage());
					plainCopy(topology, keys, three);
					// Attached once the instances run: Spring Boot resets the logging system when a context starts.
					rebalance(topology, a, load, BatchLog.attach());
				}
				finally {
					load.stop();
				}
				report.foreground(load, this.options.calmSeconds());
				check(topology, keys, three);
			}
			if (this.options.smallCacheSize() > 0) {
				RebalanceLoad small = new RebalanceLoad(keys, this.options.rowsPerKey());
				try (ConfigurableApplicationContext a = start(topology, three, this.options.smallCacheSize());
						ConfigurableApplicationContext b = start(topology, three, this.options.smallCacheSize())) {
					small.start("a", a.getBean(OrderStore.class), a.getBean(OrderReader.class), this.options.foregroundThreads());
					small.start("b", b.getBean(OrderStore.class), b.getBean(OrderReader.class), this.options.foregroundThreads());
					try {
						log("Directory load with cache-size " + this.options.smallCacheSize());
						sleep(this.options.warmupSeconds());
						report.directoryLoad(directoryWindow(topology, List.of(a, b), small, 2,
								String.valueOf(this.options.smallCacheSize())));
					}
					finally {
						small.stop();
					}
				}
				if (small.errorCount() > 0) {
					report.failure(small.errorCount() + " foreground errors in the small-cache window, first: "
							+ small.firstErrors());
				}
			}
		}
		report.loadAverage(loadAverage());
		report.environment("Run time", String.format("%.0f s", (System.nanoTime() - started) / 1e9));
		String markdown = report.markdown();
		Files.writeString(this.options.output().resolve("report.md"), markdown);
		Files.writeString(this.options.output().resolve("batches.csv"), report.csv());
		System.out.println();
		System.out.println(markdown);
		log("Results in " + this.options.output().toAbsolutePath());
		return report;
	}

	/** Inserts keys x rows straight into the primaries the 2-shard ring places them on. */
	private long[] seed(MySqlTopology topology, List<String> shards) throws Exception {
		HashRing ring = ring(shards);
		long[] keys = new long[this.options.keys()];
		Map<String, List<Long>> byShard = new LinkedHashMap<>();
		for (int i = 0; i < keys.length; i++) {
			keys[i] = KEY_BASE + i;
			byShard.computeIfAbsent(ring.shardFor(keys[i]), (s) -> new ArrayList<>()).add(keys[i]);
		}
		long t0 = System.nanoTime();
		ExecutorService pool = Executors.newFixedThreadPool(shards.size());
		try {
			List<Future<Long>> done = new ArrayList<>();
			for (Map.Entry<String, List<Long>> shard : byShard.entrySet()) {
				TopologyNode primary = shard(topology, shard.getKey()).primary();
				done.add(pool.submit(() -> insertAll(primary, shard.getValue())));
			}
			long rows = 0;
			for (Future<Long> future : done) {
				rows += future.get();
			}
			topology.awaitReplicationCaughtUp(Duration.ofMinutes(5));
			long nanos = System.nanoTime() - t0;
			this.report.seeded(keys.length, rows, byShard.get("shard-0").size(), byShard.get("shard-1").size(), nanos);
			log(String.format("Seeded %,d rows of %,d keys in %.1f s (%s), replicas caught up", rows, keys.length,
					nanos / 1e9, counts(byShard)));
		}
		finally {
			pool.shutdown();
		}
		return keys;
	}

	private long insertAll(TopologyNode primary, List<Long> keys) throws SQLException {
		int rowsPerKey = this.options.rowsPerKey();
		int keysPerStatement = Math.max(1, SEED_ROWS_PER_STATEMENT / rowsPerKey);
		long rows = 0;
		try (Connection connection = primary.openConnection()) {
			for (int from = 0; from < keys.size(); from += keysPerStatement) {
				List<Long> chunk = keys.subList(from, Math.min(keys.size(), from + keysPerStatement));
				StringBuilder sql = new StringBuilder("INSERT INTO bench_orders (customer_id, order_id, status, sku, "
						+ "quantity, amount, note, attrs) VALUES ");
				List<Object> values = new ArrayList<>();
				for (long key : chunk) {
					for (int order = 1; order <= rowsPerKey; order++) {
						sql.append(values.isEmpty() ? "" : ",").append("(?, ?, 'NEW', ?, ?, ?, ?, ?)");
						Collections.addAll(values, OrderStore.row(key, order));
					}
				}
				try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
					for (int i = 0; i < values.size(); i++) {
						insert.setObject(i + 1, values.get(i));
					}
					rows += insert.executeUpdate();
				}
			}
		}
		return rows;
	}

	/** Two instances on the old shards (recording new keys on first write) backfill the directory. */
	private void backfill(MySqlTopology topology, List<String> shards) {
		try (ConfigurableApplicationContext a = start(topology, shards, null);
				ConfigurableApplicationContext b = start(topology, shards, null)) {
			log("Backfilling the directory on the 2-shard ring");
			long t0 = System.nanoTime();
			DirectoryBackfill.Progress progress = a.getBean(DirectoryBackfill.class).run((p) -> {
			});
			long nanos = System.nanoTime() - t0;
			long entries = a.getBean(ShardDirectory.class).size();
			this.report.backfilled(progress.keysSeen(), entries, progress.complete(), nanos);
			log(String.format("Backfill: %,d keys seen, %,d entries, complete %s, %.1f s", progress.keysSeen(), entries,
					progress.complete(), nanos / 1e9));
			if (!progress.complete() || entries < this.options.keys()) {
				this.report.failure("backfill recorded " + entries + " of " + this.options.keys() + " keys");
			}
		}
	}

	/** Plans and runs the add rebalance on instance A, with the foreground on. */
	private void rebalance(MySqlTopology topology, ConfigurableApplicationContext a, RebalanceLoad load,
			BatchLog batches) throws InterruptedException {
		Rebalancer rebalancer = a.getBean(Rebalancer.class);
		long t0 = System.nanoTime();
		Plan plan = rebalancer.plan("add", null);
		long planNanos = System.nanoTime() - t0;
		RebalanceProgress planned = rebalancer.progress();
		log(String.format("Planned %s: %,d keys, %,d rows in %.1f s", plan.description(), planned.keysTotal(),
				planned.rowsTotal(), planNanos / 1e9));
		TopologyNode held = null;
		if (this.options.throttle()) {
			held = shard(topology, "shard-2").replica(0);
			holdBack(a, held);
		}
		batches.recording(true);
		load.phase(1);
		long start = System.nanoTime();
		rebalancer.startPlan();
		long releaseAt = start + (long) (this.options.throttleSeconds() * 1e9);
		long released = 0;
		double throttledAtRelease = 0;
		double peakRate = 0;
		long deadline = start + TimeUnit.MINUTES.toNanos(30);
		RebalanceProgress progress = rebalancer.progress();
		while (progress.state() != null && !progress.state().finished() && System.nanoTime() - deadline < 0) {
			Thread.sleep(100);
			if (held != null && released == 0 && System.nanoTime() - releaseAt >= 0) {
				throttledAtRelease = rebalancer.progress().throttledSeconds();
				held.startReplicaSqlThread();
				released = System.nanoTime();
				log(String.format("Started shard-2's replica's applier again after %.1f s (throttled so far %.1f s, "
						+ "%,d of %,d keys done)", (released - start) / 1e9, throttledAtRelease,
						rebalancer.progress().keysDone(), progress.keysTotal()));
			}
			progress = rebalancer.progress();
			peakRate = Math.max(peakRate, progress.rowsPerSecond());
		}
		long nanos = System.nanoTime() - start;
		load.phase(RebalanceLoad.UNRECORDED);
		batches.recording(false);
		if (held != null && released == 0) {
			held.startReplicaSqlThread();
			released = System.nanoTime();
		}
		// The last throttled wait is booked when it ends: read the final figure from the stored plan.
		Thread.sleep(600);
		progress = rebalancer.progress();
		log(String.format("Rebalance %s: %,d of %,d keys, %,d of %,d rows in %.1f s, throttled %.1f s", progress.state(),
				progress.keysDone(), progress.keysTotal(), progress.rowsDone(), progress.rowsTotal(), nanos / 1e9,
				progress.throttledSeconds()));
		this.report.rebalance(plan.description(), planned, planNanos, progress, nanos, peakRate, batches.batches(),
				batches.failures(), load.refused(1), settings(a));
		if (held != null) {
			this.report.throttle(held.name(), (released - start) / 1e9, throttledAtRelease,
					this.options.throttleSeconds(), batchesAfter(batches.batches(), released));
		}
		if (progress.state() != dev.shardline.rebalance.PlanState.DONE) {
			this.report.failure("rebalance ended " + progress.state() + " (last error: " + progress.lastError() + ")");
		}
	}

	private static long batchesAfter(List<BatchLog.Batch> batches, long at) {
		return batches.stream().filter((b) -> b.loggedAt() - at > 0).count();
	}

	/**
	 * Stops the applier of a replica and waits until the instance sees it lag past the throttle's
	 * threshold (half of max-lag), so the rebalance starts throttled.
	 */
	private static void holdBack(ConfigurableApplicationContext app, TopologyNode replica) throws InterruptedException {
		ShardlineProperties properties = app.getBean(ShardlineProperties.class);
		long threshold = (long) (properties.getReplication().getMaxLag().toNanos()
				* properties.getRebalance().getLagThrottleFraction());
		replica.stopReplicaSqlThread();
		log("Stopped the applier of " + replica.name() + "; waiting until it lags more than " + threshold / 1_000_000
				+ " ms");
		ShardRouter router = app.getBean(ShardRouter.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() - deadline < 0) {
			for (ShardNode node : router.topology().shard("shard-2").nodes()) {
				NodeHealth health = node.health();
				if (node != router.topology().shard("shard-2").currentPrimary()
						&& (health.lagNanos() > threshold || health.lagNanos() == NodeHealth.UNKNOWN_LAG)) {
					log("Replica lag seen: " + ((health.lagNanos() < 0) ? "unknown" : health.lagNanos() / 1_000_000 + " ms"));
					return;
				}
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException("The replica of shard-2 never lagged past the throttle's threshold");
	}

	private static Map<String, String> settings(ConfigurableApplicationContext app) {
		ShardlineProperties properties = app.getBean(ShardlineProperties.class);
		ShardlineProperties.Rebalance rebalance = properties.getRebalance();
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("shardline.rebalance.workers", String.valueOf(rebalance.getWorkers()));
		settings.put("shardline.rebalance.batch-rows", String.valueOf(rebalance.getBatchRows()));
		settings.put("shardline.rebalance.batch-keys", String.valueOf(rebalance.getBatchKeys()));
		settings.put("shardline.rebalance.lag-throttle-fraction", String.valueOf(rebalance.getLagThrottleFraction()));
		settings.put("shardline.directory.move-batch-rows", String.valueOf(properties.getDirectory().getMoveBatchRows()));
		settings.put("shardline.replication.max-lag", String.valueOf(properties.getReplication().getMaxLag()));
		return settings;
	}

	/**
	 * One directory-load window: the foreground runs for the calm window's length; look-ups reaching
	 * the directory's primary are counted three ways (Shardline's cache misses, the directory
	 * table's rows read per the server's table statistics, and the primary's {@code Com_select}).
	 */
	private RebalanceReport.DirectoryLoad directoryWindow(MySqlTopology topology,
			List<ConfigurableApplicationContext> apps, RebalanceLoad load, int phase, String cacheSize)
			throws Exception {
		TopologyNode primary = shard(topology, "shard-0").primary();
		boolean userstat = enableUserStatistics(primary);
		long missesBefore = misses(apps);
		long[] serverBefore = serverCounters(primary, userstat);
		load.phase(phase);
		long t0 = System.nanoTime();
		sleep(this.options.calmSeconds());
		long nanos = System.nanoTime() - t0;
		load.phase(RebalanceLoad.UNRECORDED);
		long[] serverAfter = serverCounters(primary, userstat);
		long misses = misses(apps) - missesBefore;
		long cached = apps.stream().mapToLong((app) -> app.getBean(ShardDirectory.class).cacheSize()).sum();
		RebalanceReport.DirectoryLoad window = new RebalanceReport.DirectoryLoad(cacheSize, this.options.keys(), nanos,
				load.operations(phase), misses, userstat ? serverAfter[0] - serverBefore[0] : -1,
				serverAfter[1] - serverBefore[1], cached, load.latencies(phase));
		log(window.toString());
		return window;
	}

	/** Turns MariaDB's per-table statistics on (userstat); false where the server has none. */
	private static boolean enableUserStatistics(TopologyNode primary) {
		try (Connection connection = primary.openAdminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET GLOBAL userstat = 1");
			return true;
		}
		catch (SQLException ex) {
			log("No per-table statistics on this server (" + ex.getMessage() + "); Com_select and cache misses only");
			return false;
		}
	}

	/** [directory table rows read (userstat), Com_select] on the directory's primary. */
	private static long[] serverCounters(TopologyNode primary, boolean userstat) throws SQLException {
		long[] counters = new long[2];
		try (Connection connection = primary.openAdminConnection(); Statement statement = connection.createStatement()) {
			if (userstat) {
				try (ResultSet rs = statement.executeQuery("SELECT COALESCE(SUM(ROWS_READ), 0) FROM "
						+ "information_schema.TABLE_STATISTICS WHERE TABLE_NAME = '" + DIRECTORY_TABLE + "'")) {
					rs.next();
					counters[0] = rs.getLong(1);
				}
			}
			try (ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_select'")) {
				rs.next();
				counters[1] = rs.getLong(2);
			}
		}
		return counters;
	}

	/**
	 * Directory cache misses of the instances so far: each is one look-up sent to the directory
	 * (its primary while it answers). Read from the cache's statistics, which ShardDirectory keeps
	 * but exposes only as a ratio.
	 */
	private static long misses(List<ConfigurableApplicationContext> apps) {
		long misses = 0;
		for (ConfigurableApplicationContext app : apps) {
			try {
				Field field = ShardDirectory.class.getDeclaredField("cache");
				field.setAccessible(true);
				misses += ((Cache<?, ?>) field.get(app.getBean(ShardDirectory.class))).stats().missCount();
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return -1;
			}
		}
		return misses;
	}

	/** Every key's directory entry and rows against the 3-shard ring. */
	private void check(MySqlTopology topology, long[] keys, List<String> shards) throws SQLException {
		HashRing ring = ring(shards);
		Map<String, String> entries = new HashMap<>();
		long notActive = 0;
		try (Connection connection = shard(topology, "shard-0").primary().openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT shard_key, shard, state FROM " + DIRECTORY_TABLE)) {
			while (rs.next()) {
				entries.put(rs.getString(1), rs.getString(2));
				if (!"ACTIVE".equals(rs.getString(3))) {
					notActive++;
				}
			}
		}
		Map<String, Set<Long>> present = new HashMap<>();
		for (String shard : shards) {
			Set<Long> keysThere = new HashSet<>();
			try (Connection connection = shard(topology, shard).primary().openConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT DISTINCT customer_id FROM bench_orders")) {
				while (rs.next()) {
					keysThere.add(rs.getLong(1));
				}
			}
			present.put(shard, keysThere);
		}
		long wrongEntry = 0;
		long misplacedRows = 0;
		long missingRows = 0;
		List<String> examples = new ArrayList<>();
		for (long key : keys) {
			String owner = ring.shardFor(key);
			String entry = entries.get(DirectoryKeys.text(key));
			if (!owner.equals(entry)) {
				wrongEntry++;
				if (examples.size() < 5) {
					examples.add(key + ": entry " + entry + ", ring owner " + owner);
				}
			}
			for (String shard : shards) {
				boolean there = present.get(shard).contains(key);
				if (shard.equals(owner) && !there) {
					missingRows++;
				}
				else if (!shard.equals(owner) && there) {
					misplacedRows++;
					if (examples.size() < 5) {
						examples.add(key + ": rows left on " + shard + ", owner " + owner);
					}
				}
			}
		}
		this.report.checked(keys.length, wrongEntry, notActive, missingRows, misplacedRows);
		if (wrongEntry + notActive + missingRows + misplacedRows > 0) {
			this.report.failure(String.format("%d keys not on their planned owner in the directory, %d entries not "
					+ "ACTIVE, %d keys without rows on their owner, %d keys with rows on another shard; e.g. %s",
					wrongEntry, notActive, missingRows, misplacedRows, examples));
		}
	}

	/** The copy step's baseline: one batch's keys copied the plainest way, shard-0 to shard-2, under the same foreground. */
	private void plainCopy(MySqlTopology topology, long[] keys, List<String> shards) throws SQLException {
		HashRing ring = ring(shards);
		int batchKeys = Integer.parseInt(this.options.extra().getOrDefault("shardline.rebalance.batch-keys", "500"));
		List<Long> batch = new ArrayList<>();
		for (int i = 0; i < keys.length && batch.size() < batchKeys; i++) {
			if (ring.shardFor(keys[i]).equals("shard-0")) {
				batch.add(keys[i]);
			}
		}
		long[] copied = PlainCopy.measure(shard(topology, "shard-0").primary(), shard(topology, "shard-2").primary(),
				batch);
		this.report.plainCopy(batch.size(), copied[0], copied[1]);
		log(String.format("Plain copy baseline: %,d rows of %d keys in %.0f ms (%,.0f rows/s)", copied[0], batch.size(),
				copied[1] / 1e6, copied[0] / (copied[1] / 1e9)));
	}

	private ConfigurableApplicationContext start(MySqlTopology topology, List<String> shards, Integer cacheSize) {
		Map<String, Object> properties = new LinkedHashMap<>();
		topology.shardlineProperties().forEach((name, value) -> {
			if (shards.stream().anyMatch((shard) -> name.startsWith("shardline.shards." + shard + "."))) {
				properties.put(name, value);
			}
		});
		properties.put("shardline.directory.enabled", "true");
		properties.put("shardline.directory.shard", "shard-0");
		properties.put("shardline.directory.assign-on-first-write", "true");
		properties.put("shardline.directory.move-tables.bench_orders", "customer_id");
		if (cacheSize != null) {
			properties.put("shardline.directory.cache-size", String.valueOf(cacheSize));
		}
		properties.put("shardline.replication.check-interval", "250ms");
		properties.put("shardline.hikari.maximum-pool-size", "8");
		properties.put("shardline.hikari.minimum-idle", "2");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.main.web-application-type", "none");
		properties.putAll(this.options.extra());
		return new SpringApplicationBuilder(RebalanceBenchApplication.class).properties(properties).run();
	}

	static HashRing ring(List<String> shards) {
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (String shard : shards) {
			weights.put(shard, 1);
		}
		return new HashRing(weights);
	}

	private static TopologyShard shard(MySqlTopology topology, String name) {
		return topology.shards().stream().filter((s) -> s.name().equals(name)).findFirst().orElseThrow();
	}

	private static String counts(Map<String, List<Long>> byShard) {
		StringBuilder result = new StringBuilder();
		byShard.forEach((shard, keys) -> result.append((result.length() > 0) ? ", " : "").append(shard).append(' ')
			.append(String.format("%,d keys", keys.size())));
		return result.toString();
	}

	private static void sleep(double seconds) throws InterruptedException {
		Thread.sleep((long) (seconds * 1000));
	}

	static double loadAverage() {
		try {
			return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return Double.NaN;
		}
	}

	private static void log(String message) {
		System.out.println("[rebalance] " + message);
		System.out.flush();
	}

}
