package dev.shardline.benchmarks.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouting;
import dev.shardline.scatter.ShardTemplate;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Fleet scale on real servers: starts N shards × (primary + replica) of MariaDB (default 32,
 * 64 servers) and measures, side by side in the same run and on the same servers, an
 * application configured with all N shards and one with the first 2:
 * <ul>
 * <li>application start-up time (alternating order, median of the repetitions, after one
 * discarded warm-up start of each);</li>
 * <li>CPU time of Shardline's own threads (ThreadMXBean, threads named
 * {@code shardline-monitor-*}, {@code shardline-probe-*}, {@code shardline-scatter-*}) over an
 * idle window at {@code check-interval: 1s}, with HikariCP's threads and the whole process
 * beside it;</li>
 * <li>thread counts (Shardline's vs HikariCP's);</li>
 * <li>routing: keys written through Shardline land on the owner's primary of every shard
 * (rows and {@code Com_insert} read on the servers), {@code @ReadOnly}-style reads reach every
 * replica, and a scatter-gather over all shards sums what was written;</li>
 * <li>the servers' memory (resident set per {@code mariadbd}).</li>
 * </ul>
 * Writes {@code benchmarks/target/fleet/report.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.fleet.FleetBenchmark [--shards 32]
 *     [--baseline-shards 2] [--idle-seconds 60] [--reps 5] [--out benchmarks/target/fleet]
 *     [--set property=value]...   (application properties for both applications, e.g. pool settings)
 * </pre>
 */
public final class FleetBenchmark {

	private final int shards;

	private final int baselineShards;

	private final Duration idle;

	private final int reps;

	private final Path out;

	private final Map<String, String> extraProperties;

	private final StringBuilder report = new StringBuilder();

	private long nextKey = 1;

	private FleetBenchmark(int shards, int baselineShards, Duration idle, int reps, Path out,
			Map<String, String> extraProperties) {
		this.extraProperties = extraProperties;
		this.shards = shards;
		this.baselineShards = baselineShards;
		this.idle = idle;
		this.reps = reps;
		this.out = out;
	}

	/**
	 * Runs the benchmark.
	 * @param args {@code --shards N --baseline-shards M --idle-seconds S --reps R --out DIR}
	 * @throws Exception when a step fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		Map<String, String> extra = new LinkedHashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (args[i].equals("--set")) {
				int equals = args[i + 1].indexOf('=');
				extra.put(args[i + 1].substring(0, equals), args[i + 1].substring(equals + 1));
			}
			else {
				options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
			}
		}
		FleetBenchmark benchmark = new FleetBenchmark(Integer.parseInt(options.getOrDefault("shards", "32")),
				Integer.parseInt(options.getOrDefault("baseline-shards", "2")),
				Duration.ofSeconds(Long.parseLong(options.getOrDefault("idle-seconds", "60"))),
				Integer.parseInt(options.getOrDefault("reps", "5")),
				Path.of(options.getOrDefault("out", "benchmarks/target/fleet")), extra);
		boolean ok = benchmark.run();
		System.exit(ok ? 0 : 1);
	}

	private boolean run() throws Exception {
		line("# Fleet benchmark: %d shards × (primary + replica) vs %d shards, same servers, same run", this.shards,
				this.baselineShards);
		line("");
		line("Started %s on %d cores, Java %s, %s.", Instant.now(), Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), System.getProperty("os.name"));
		line("Application properties beyond the topology and check-interval 1s: %s.",
				this.extraProperties.isEmpty() ? "none (Shardline's and HikariCP's defaults)" : this.extraProperties);
		boolean ok = true;
		try (MySqlTopology topology = MySqlTopology.builder().shards(this.shards).replicasPerShard(1).start()) {
			serverFigures(topology);
			createTable(topology);
			startupTimes(topology);
			for (int n : new int[] { this.shards, this.baselineShards }) {
				ok &= idleWindowAndRouting(topology, n);
			}
		}
		Files.createDirectories(this.out);
		Files.writeString(this.out.resolve("report.md"), this.report, StandardCharsets.UTF_8);
		System.out.println("Report written to " + this.out.resolve("report.md"));
		return ok;
	}

	private void serverFigures(MySqlTopology topology) throws IOException {
		long totalRss = 0;
		long maxRss = 0;
		long threads = 0;
		for (TopologyNode node : topology.nodes()) {
			Map<String, Long> status = procStatus(node.pid());
			totalRss += status.getOrDefault("VmRSS", 0L);
			maxRss = Math.max(maxRss, status.getOrDefault("VmRSS", 0L));
			threads += status.getOrDefault("Threads", 0L);
		}
		int n = topology.nodes().size();
		line("");
		line("## Servers");
		line("");
		line("| servers | footprint | harness start (parallel, replication running) | resident memory, all | per server (mean / max) | threads per server |");
		line("| --- | --- | --- | --- | --- | --- |");
		line("| %d | %s | %.1f s | %d MB | %d MB / %d MB | %.0f |", n, topology.footprint(),
				topology.startupTime().toMillis() / 1000.0, totalRss / 1024, totalRss / n / 1024, maxRss / 1024,
				(double) threads / n);
	}

	private static Map<String, Long> procStatus(long pid) throws IOException {
		Map<String, Long> values = new LinkedHashMap<>();
		for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			int colon = l.indexOf(':');
			String digits = l.substring(colon + 1).replaceAll("[^0-9]", "");
			if (colon > 0 && !digits.isEmpty() && digits.length() < 18) {
				values.put(l.substring(0, colon), Long.parseLong(digits));
			}
		}
		return values;
	}

	private void createTable(MySqlTopology topology) throws SQLException {
		for (TopologyShard shard : topology.shards()) {
			try (Connection connection = shard.primary().openConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS fleet_items (id BIGINT PRIMARY KEY, note VARCHAR(20))");
			}
		}
		topology.awaitReplicationCaughtUp();
	}

	private ConfigurableApplicationContext start(MySqlTopology topology, int n) {
		return start(topology, n, null);
	}

	private ConfigurableApplicationContext start(MySqlTopology topology, int n,
			org.springframework.core.metrics.ApplicationStartup startup) {
		Map<String, Object> properties = new LinkedHashMap<>();
		topology.shardlineProperties().forEach((key, value) -> {
			String shard = key.substring("shardline.shards.shard-".length(), key.indexOf('.', "shardline.shards.".length()));
			if (Integer.parseInt(shard) < n) {
				properties.put(key, value);
			}
		});
		properties.put("shardline.default-shard", "shard-0");
		properties.put("shardline.replication.check-interval", "1s");
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.jmx.enabled", "false");
		properties.put("logging.level.root", "WARN");
		properties.putAll(this.extraProperties);
		SpringApplicationBuilder builder = new SpringApplicationBuilder(FleetApplication.class).properties(properties);
		if (startup != null) {
			builder.applicationStartup(startup);
		}
		return builder.run();
	}

	private void startupTimes(MySqlTopology topology) {
		// One discarded start of each: class loading and JIT of the first start are not the fleet's cost.
		for (int n : new int[] { this.baselineShards, this.shards }) {
			start(topology, n).close();
		}
		List<Long> small = new ArrayList<>();
		List<Long> large = new ArrayList<>();
		List<Long> smallProbe = new ArrayList<>();
		List<Long> largeProbe = new ArrayList<>();
		for (int rep = 0; rep < this.reps; rep++) {
			int[] order = (rep % 2 == 0) ? new int[] { this.baselineShards, this.shards }
					: new int[] { this.shards, this.baselineShards };
			for (int n : order) {
				long started = System.nanoTime();
				ConfigurableApplicationContext context = start(topology, n);
				long millis = (System.nanoTime() - started) / 1_000_000;
				long probe = context.getBean(ReplicationMonitor.class).startupProbeTime().toMillis();
				context.close();
				(n == this.shards ? large : small).add(millis);
				(n == this.shards ? largeProbe : smallProbe).add(probe);
			}
		}
		long smallMedian = median(small);
		long largeMedian = median(large);
		line("");
		line("## Application start-up (in one JVM, after a discarded warm-up start of each; %d alternating repetitions)",
				this.reps);
		line("");
		line("| configured | nodes | start-up, median | all repetitions (ms) | of which the monitor's first probe rounds, median |");
		line("| --- | --- | --- | --- | --- |");
		line("| %d shards | %d | %d ms | %s | %d ms |", this.baselineShards, 2 * this.baselineShards, smallMedian, small,
				median(smallProbe));
		line("| %d shards | %d | %d ms | %s | %d ms |", this.shards, 2 * this.shards, largeMedian, large,
				median(largeProbe));
		line("");
		line("Difference of the medians: **%+d ms** (target: at most +1,000 ms).", largeMedian - smallMedian);
		for (int n : new int[] { this.baselineShards, this.shards }) {
			breakdown(topology, n);
		}
	}

	/** The slowest bean creations of one more start (Spring's own start-up steps), for where the time goes. */
	private void breakdown(MySqlTopology topology, int n) {
		var startup = new org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup(50_000);
		long started = System.nanoTime();
		start(topology, n, startup).close();
		long millis = (System.nanoTime() - started) / 1_000_000;
		List<String> slowest = new ArrayList<>();
		startup.getBufferedTimeline()
			.getEvents()
			.stream()
			.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate"))
			.sorted((a, b) -> b.getDuration().compareTo(a.getDuration()))
			.limit(6)
			.forEach((event) -> {
				String bean = "?";
				for (var tag : event.getStartupStep().getTags()) {
					if (tag.getKey().equals("beanName")) {
						bean = tag.getValue();
					}
				}
				slowest.add(bean + " " + event.getDuration().toMillis() + " ms");
			});
		line("");
		line("Breakdown, one more start of %d shards (%d ms with step recording): slowest bean creations (nested"
				+ " ones included in their parents) %s.", n, millis, slowest);
	}

	private boolean idleWindowAndRouting(MySqlTopology topology, int n) throws Exception {
		boolean ok = true;
		try (ConfigurableApplicationContext context = start(topology, n)) {
			ReplicationMonitor monitor = context.getBean(ReplicationMonitor.class);
			Thread.sleep(5_000); // settle: pools fill, first rounds done
			ThreadCpu before = ThreadCpu.take();
			int checksBefore = monitor.completedChecks();
			Thread.sleep(this.idle.toMillis());
			ThreadCpu after = ThreadCpu.take();
			int rounds = monitor.completedChecks() - checksBefore;
			long window = after.atNanos() - before.atNanos();
			long own = after.cpuSince(before, ThreadCpu.Kind::shardline);
			long hikari = after.cpuSince(before,
					(k) -> k == ThreadCpu.Kind.HIKARI_HOUSEKEEPER || k == ThreadCpu.Kind.HIKARI_OTHER);
			long process = after.processCpuNanos() - before.processCpuNanos();
			line("");
			line("## %d shards (%d nodes): idle window of %d s at check-interval 1s", n, 2 * n, this.idle.toSeconds());
			line("");
			line("| threads | live threads | CPU in window | share of one core |");
			line("| --- | --- | --- | --- |");
			line("| Shardline's own (monitor %d, probes %d, scatter %d) | %d | %.0f ms | **%.2f %%** |",
					after.count(ThreadCpu.Kind.SHARDLINE_MONITOR), after.count(ThreadCpu.Kind.SHARDLINE_PROBE),
					after.count(ThreadCpu.Kind.SHARDLINE_SCATTER), after.shardlineCount(), own / 1e6,
					100.0 * own / window);
			line("| HikariCP (housekeeper %d, adder/closer %d) | %d | %.0f ms | %.2f %% |",
					after.count(ThreadCpu.Kind.HIKARI_HOUSEKEEPER), after.count(ThreadCpu.Kind.HIKARI_OTHER),
					after.count(ThreadCpu.Kind.HIKARI_HOUSEKEEPER) + after.count(ThreadCpu.Kind.HIKARI_OTHER),
					hikari / 1e6, 100.0 * hikari / window);
			line("| whole JVM (incl. GC, JIT, the benchmark) | %d | %.0f ms | %.2f %% |", after.threads().size(),
					process / 1e6, 100.0 * process / window);
			line("");
			line("Monitor rounds completed in the window: %d (every node probed once a round); most probe threads"
					+ " ever running at once: %d (bound %d).", rounds, monitor.largestProbeThreadCount(),
					ReplicationMonitor.maxProbeThreads());
			ok &= routing(topology, context, n);
			ThreadCpu afterScatter = ThreadCpu.take();
			line("Threads after the routing check's scatter-gather: Shardline's own %d (scatter %d), HikariCP %d.",
					afterScatter.shardlineCount(), afterScatter.count(ThreadCpu.Kind.SHARDLINE_SCATTER),
					afterScatter.count(ThreadCpu.Kind.HIKARI_HOUSEKEEPER)
							+ afterScatter.count(ThreadCpu.Kind.HIKARI_OTHER));
		}
		return ok;
	}

	/** Writes keys until every shard owns some, then checks each landed on its owner's primary, on the servers. */
	private boolean routing(MySqlTopology topology, ConfigurableApplicationContext context, int n)
			throws SQLException {
		ShardRouting routing = context.getBean(ShardRouting.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (int i = 0; i < n; i++) {
			weights.put("shard-" + i, 1);
		}
		HashRing ring = new HashRing(weights); // computed independently of the application's
		Map<String, List<Long>> keysByShard = new LinkedHashMap<>();
		weights.keySet().forEach((s) -> keysByShard.put(s, new ArrayList<>()));
		long firstKey = this.nextKey;
		while (keysByShard.values().stream().anyMatch((keys) -> keys.size() < 5)) {
			long key = this.nextKey++;
			keysByShard.get(ring.shardFor(key)).add(key);
		}
		long[] insertsBefore = comInserts(topology, n);
		for (long key = firstKey; key < this.nextKey; key++) {
			long k = key;
			routing.onShard(k).run(() -> jdbc.update("INSERT INTO fleet_items (id, note) VALUES (?, 'fleet')", k));
		}
		long[] insertsAfter = comInserts(topology, n);
		int wrong = 0;
		int shardsWithRows = 0;
		int replicasRead = 0;
		for (int i = 0; i < n; i++) {
			TopologyShard shard = topology.shard(i);
			List<Long> expected = keysByShard.get(shard.name());
			List<Long> found = idsBetween(shard.primary(), firstKey, this.nextKey);
			if (!found.equals(expected)) {
				wrong++;
				System.err.println("Routing mismatch on " + shard.name() + ": expected " + expected + ", found " + found);
			}
			if (!found.isEmpty() && insertsAfter[i] - insertsBefore[i] >= expected.size()) {
				shardsWithRows++;
			}
			long server = routing.onShard(expected.get(0)).readOnly()
				.get(() -> jdbc.queryForObject("SELECT @@server_id", Long.class));
			if (server == shard.replica(0).serverId()) {
				replicasRead++;
			}
		}
		long total = context.getBean(ShardTemplate.class)
			.sumLong(jdbc, "SELECT COUNT(*) FROM fleet_items WHERE id >= ? AND id < ?", firstKey, this.nextKey)
			.value();
		boolean ok = wrong == 0 && shardsWithRows == n && replicasRead == n && total == this.nextKey - firstKey;
		line("");
		line("Routing: %d keys written through Shardline; rows on the owner's primary and nowhere else: %d of %d shards"
				+ " (mismatches: %d); Com_insert rose on %d of %d primaries; reads served by the shard's replica: %d of %d;"
				+ " scatter-gather sum %d of %d. **%s**", this.nextKey - firstKey, n - wrong, n, wrong, shardsWithRows, n,
				replicasRead, n, total, this.nextKey - firstKey, ok ? "correct" : "WRONG");
		return ok;
	}

	private static List<Long> idsBetween(TopologyNode node, long from, long to) throws SQLException {
		List<Long> ids = new ArrayList<>();
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT id FROM fleet_items WHERE id >= " + from + " AND id < " + to + " ORDER BY id")) {
			while (rs.next()) {
				ids.add(rs.getLong(1));
			}
		}
		return ids;
	}

	private static long[] comInserts(MySqlTopology topology, int n) throws SQLException {
		long[] counts = new long[n];
		for (int i = 0; i < n; i++) {
			try (Connection connection = topology.shard(i).primary().openAdminConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_insert'")) {
				counts[i] = rs.next() ? rs.getLong(2) : -1;
			}
		}
		return counts;
	}

	private static long median(List<Long> values) {
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

	private void line(String format, Object... args) {
		String text = String.format(Locale.ROOT, format, args);
		System.out.println(text);
		this.report.append(text).append('\n');
	}

}
