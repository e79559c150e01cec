package dev.shardline.benchmarks.move;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.benchmarks.move.app.MoveBenchApplication;
import dev.shardline.benchmarks.move.app.OrderStore;
import dev.shardline.directory.KeyMover;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.ServerFootprint;
import dev.shardline.test.TopologyShard;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The key-move benchmark: on a real local topology (2 shards, each a MariaDB primary with a
 * replica), two application instances (two Spring Boot contexts in this JVM, each with its own
 * pools, directory cache and change-log follower, {@code check-interval: 250ms}) write orders of
 * other customers (the foreground) and of the customer being moved, while instance A's
 * {@link KeyMover} moves keys of each size class back and forth between the shards.
 *
 * <p>Per size class: a calm window of foreground only, then the moves. Per move: the write pause
 * the mover reports ({@link KeyMover.MoveReport#writePause()}, fence to flip), the pause the
 * clients saw (per writer of the key, from its first refused write to its next successful one;
 * the longest of both instances' writers), rows, duration and the mover's per-step timings.
 * The foreground's throughput and p99 while a move runs are compared with the calm window just
 * before. Results: {@code report.md} and {@code moves.csv} in the output directory.
 *
 * <p>Run {@code java -cp benchmarks/target/benchmarks.jar dev.shardline.benchmarks.move.MoveBenchmark}
 * ({@code --smoke} for a quick pass, {@code --help} for options).
 */
public final class MoveBenchmark {

	private static final long KEY_BASE = 700_000_000L;

	private static final int CALM_KEYS = 2_000;

	private final MoveOptions options;

	/** The running load, for the mover's step listener. */
	private volatile MoveLoad load;

	/** Tells the load the mover's steps. */
	private final KeyMover.StepListener steps = (step, key) -> {
		MoveLoad current = this.load;
		if (current != null) {
			current.step(step.ordinal());
		}
	};

	private MoveBenchmark(MoveOptions options) {
		this.options = options;
	}

	/**
	 * Runs the benchmark and prints the report; exits non-zero if a move failed.
	 * @param args the options, see {@link MoveOptions#USAGE}
	 * @throws Exception when the topology cannot start
	 */
	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help")) {
			System.out.print(MoveOptions.USAGE);
			return;
		}
		MoveReport report = execute(MoveOptions.parse(args));
		System.exit(report.failures().isEmpty() ? 0 : 1);
	}

	/**
	 * Runs the whole benchmark.
	 * @param options the options
	 * @return the report (also written to the output directory)
	 * @throws Exception when the topology cannot start or a node stops answering
	 */
	public static MoveReport execute(MoveOptions options) throws Exception {
		return new MoveBenchmark(options).run();
	}

	private MoveReport run() throws Exception {
		long started = System.nanoTime();
		Files.createDirectories(this.options.output());
		MoveReport report = new MoveReport(this.options);
		report.environment("Machine", Runtime.getRuntime().availableProcessors() + " cores, "
				+ System.getProperty("os.name") + " " + System.getProperty("os.version"));
		report.environment("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		report.loadAverage(loadAverage());
		log("Starting the topology (2 shards x (1 primary + 1 replica))");
		try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).footprint(ServerFootprint.valueOf(System.getProperty("shardline.bench.footprint", "STANDARD"))).start()) {
			report.environment("Topology", topology.providerName() + ", started in "
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
			// the mover's steps, so the foreground's latencies can be told apart by the step they ran in
			try (ConfigurableApplicationContext a = start(topology, this.steps);
					ConfigurableApplicationContext b = start(topology, null)) {
				StepTimings timings = StepTimings.attach();
				report.environment("Copy pacing", "shardline.directory.move-copy-nice-ratio = " + a
					.getBean(dev.shardline.autoconfigure.ShardlineProperties.class).getDirectory().getMoveCopyNiceRatio()
						+ " (set with -Dshardline.directory.move-copy-nice-ratio=...)");
				long[][] keys = seed(a, topology);
				measure(a, b, keys, timings, report);
				checkNothingLeft(a, topology, keys, report);
				digestCost(a, topology, keys, report);
			}
		}
		report.loadAverage(loadAverage());
		report.environment("Run time", String.format("%.0f s", (System.nanoTime() - started) / 1e9));
		String markdown = report.markdown();
		Files.writeString(this.options.output().resolve("report.md"), markdown);
		Files.writeString(this.options.output().resolve("moves.csv"), report.csv());
		System.out.println();
		System.out.println(markdown);
		log("Results in " + this.options.output().toAbsolutePath());
		return report;
	}

	/** The configured mover's settings, as the auto-configuration builds them. */
	private static KeyMover.Settings settings(ConfigurableApplicationContext context) {
		dev.shardline.autoconfigure.ShardlineProperties.Directory directory = context
			.getBean(dev.shardline.autoconfigure.ShardlineProperties.class)
			.getDirectory();
		return new KeyMover.Settings(directory.getMoveTimeout(), directory.getMoveStaleAfter(),
				directory.getMoveBatchRows(), directory.getMoveCopyNiceRatio());
	}

	private static ConfigurableApplicationContext start(MySqlTopology topology, KeyMover.StepListener steps) {
		Map<String, Object> properties = new LinkedHashMap<>(topology.shardlineProperties());
		properties.put("shardline.directory.enabled", "true");
		properties.put("shardline.directory.move-tables.bench_orders", "customer_id");
		properties.put("shardline.replication.check-interval", "250ms");
		properties.put("shardline.hikari.maximum-pool-size", "8");
		properties.put("spring.main.banner-mode", "off");
		properties.put("spring.main.web-application-type", "none");
		SpringApplicationBuilder builder = new SpringApplicationBuilder(MoveBenchApplication.class).properties(properties);
		if (steps != null) {
			builder.initializers((context) -> context.getBeanFactory().registerSingleton("moveBenchSteps", steps));
		}
		return builder.run();
	}

	/** Seeds each size class's keys on their owners (through the router), returns [class][key]. */
	private long[][] seed(ConfigurableApplicationContext app, MySqlTopology topology) {
		ShardRouting routing = app.getBean(ShardRouting.class);
		JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
		List<Integer> sizes = this.options.sizes();
		long[][] keys = new long[sizes.size()][this.options.keysPerSize()];
		long rows = 0;
		for (int c = 0; c < sizes.size(); c++) {
			for (int k = 0; k < keys[c].length; k++) {
				long key = KEY_BASE + c * 1_000L + k;
				keys[c][k] = key;
				int size = sizes.get(c);
				routing.onShard(key).run(() -> {
					int batch = 250;
					for (int from = 1; from <= size; from += batch) {
						int count = Math.min(batch, size - from + 1);
						StringBuilder sql = new StringBuilder(insertPrefix());
						List<Object> values = new ArrayList<>();
						for (int i = 0; i < count; i++) {
							sql.append((i == 0) ? "" : ",").append("(?, ?, 'NEW', ?, ?, ?, ?, ?)");
							Collections.addAll(values, OrderStore.row(key, from + i));
						}
						jdbc.update(sql.toString(), values.toArray());
					}
				});
				rows += size;
			}
		}
		topology.awaitReplicationCaughtUp();
		log("Seeded " + rows + " rows of " + sizes.size() * this.options.keysPerSize() + " keys, replicas caught up");
		return keys;
	}

	private static String insertPrefix() {
		return "INSERT INTO bench_orders (customer_id, order_id, status, sku, quantity, amount, note, attrs) VALUES ";
	}

	private void measure(ConfigurableApplicationContext a, ConfigurableApplicationContext b, long[][] keys,
			StepTimings timings, MoveReport report) throws InterruptedException {
		KeyMover mover = a.getBean(KeyMover.class);
		ShardRouter router = a.getBean(ShardRouter.class);
		List<Integer> sizes = this.options.sizes();
		long[] calmKeys = new long[CALM_KEYS];
		for (int i = 0; i < calmKeys.length; i++) {
			calmKeys[i] = 1 + i;
		}
		Map<Long, String> owners = new HashMap<>();
		for (long[] classKeys : keys) {
			for (long key : classKeys) {
				owners.put(key, router.shardFor(key, "bench").name());
			}
		}
		// per class: the calm window, the configured mover's moves, the compared mover's moves
		MoveLoad load = new MoveLoad(3 * sizes.size(), calmKeys, sizes.get(0));
		Double compare = this.options.compareNiceRatio();
		KeyMover compared = null;
		String configured = "";
		String comparedLabel = "";
		if (compare != null) {
			KeyMover.Settings settings = settings(a);
			int batchRows = (this.options.compareBatchRows() != null) ? this.options.compareBatchRows()
					: settings.batchRows();
			compared = new KeyMover(a.getBean(dev.shardline.directory.ShardDirectory.class),
					a.getBean(dev.shardline.directory.DirectorySync.class), router,
					a.getBean(dev.shardline.autoconfigure.ShardlineProperties.class).getDirectory().getMoveTables(),
					new KeyMover.Settings(settings.moveTimeout(), settings.staleAfter(), batchRows, compare),
					new dev.shardline.directory.MoveHistory(20), this.steps);
			configured = " (nice " + settings.copyNiceRatio() + ", batch " + settings.batchRows() + ")";
			comparedLabel = " (nice " + compare + ", batch " + batchRows + ")";
		}
		this.load = load;
		load.start("a", a.getBean(OrderStore.class), this.options.foregroundThreads());
		load.start("b", b.getBean(OrderStore.class), this.options.foregroundThreads());
		int moveIndex = 0;
		try {
			log("Warm-up: " + this.options.warmupMoves() + " moves of a " + sizes.get(0) + "-row key under load");
			sleep(2.0);
			for (int i = 0; i < this.options.warmupMoves(); i++) {
				long key = keys[0][i % keys[0].length];
				load.writeKey(key, moveIndex++, sizes.get(0));
				awaitKeyWrites(load);
				try {
					owners.put(key, mover.move(key, other(owners.get(key))).to());
				}
				catch (RuntimeException ex) {
					report.failure("warm-up move of " + key + ": " + ex.getMessage());
				}
				awaitWritable(load);
				timings.take("l:" + key);
			}
			for (int c = 0; c < sizes.size(); c++) {
				int size = sizes.get(c);
				report.loadAverage(loadAverage());
				log(String.format("Size %,d: %.0f s calm, then %d moves", size, this.options.calmSeconds(),
						this.options.moves()));
				// The key writers keep writing (a key of the class, not moving): the calm window has
				// the same clients as the moves, only no move.
				load.writeKey(keys[c][0], -1, size);
				load.phase(3 * c);
				long calmStart = System.nanoTime();
				sleep(this.options.calmSeconds());
				long calmNanos = System.nanoTime() - calmStart;
				load.phase(MoveLoad.UNRECORDED);
				long[] movingNanosOf = new long[2];
				List<List<MoveReport.Move>> movesOf = List.of(new ArrayList<>(), new ArrayList<>());
				int total = (compared != null) ? 2 * this.options.moves() : this.options.moves();
				for (int m = 0; m < total; m++) {
					long key = keys[c][m % keys[c].length];
					// with a compared mover: each key there and back with one mover, then with the other,
					// and so on, so that both movers move every key in both directions equally often
					int variant = (compared != null) ? (m / (2 * keys[c].length)) % 2 : 0;
					KeyMover moving = (variant == 0) ? mover : compared;
					List<MoveReport.Move> moves = movesOf.get(variant);
					int index = moveIndex++;
					load.writeKey(key, index, size);
					awaitKeyWrites(load);
					String from = owners.get(key);
					String to = other(from);
					load.step(-1);
					load.phase(3 * c + 1 + variant);
					long t0 = System.nanoTime();
					KeyMover.MoveReport moved = null;
					String failure = null;
					try {
						moved = moving.move(key, to);
						owners.put(key, moved.to());
					}
					catch (RuntimeException ex) {
						failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
						report.failure("move of " + key + " (" + size + " rows) to " + to + ": " + failure);
						owners.put(key, router.shardFor(key, "bench").name());
					}
					long elapsed = System.nanoTime() - t0;
					load.phase(MoveLoad.UNRECORDED);
					movingNanosOf[variant] += elapsed;
					boolean writable = awaitWritable(load);
					long[] refusals = load.refusalsOf(index);
					MoveReport.Move move = new MoveReport.Move(size, key, from, to, failure,
							(moved != null) ? moved.rows() : 0,
							(moved != null) ? moved.writePause().toNanos() : -1, elapsed,
							load.stretchesOf(index).stream().mapToLong(Long::longValue).max().orElse(0),
							refusals[0], refusals[1], writable, timings.take("l:" + key));
					moves.add(move);
					log(move.toString());
				}
				load.phase(MoveLoad.UNRECORDED);
				for (int variant = 0; variant < ((compared != null) ? 2 : 1); variant++) {
					String label = String.format("%,d", size)
							+ ((compared == null) ? "" : (variant == 0) ? configured : comparedLabel);
					MoveReport.SizeClass sizeClass = new MoveReport.SizeClass(size, label, movesOf.get(variant),
							calmNanos, load.operations(3 * c), load.latencies(3 * c), movingNanosOf[variant],
							load.operations(3 * c + 1 + variant), load.latencies(3 * c + 1 + variant));
					report.sizeClass(sizeClass);
					report.stepForeground(sizeClass, load.latenciesByStep(3 * c + 1 + variant));
				}
			}
		}
		finally {
			load.stop();
		}
		report.foregroundErrors(load.errorCount(), load.firstErrors());
	}

	/** Waits until the writers of the key have written it (they are on it when the move starts). */
	private static void awaitKeyWrites(MoveLoad load) {
		long before = load.keyWrites();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (load.keyWrites() < before + 20 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	/** Waits until no writer of the key is refused any more and they wrote it again; false on timeout. */
	private static boolean awaitWritable(MoveLoad load) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		long before = load.keyWrites();
		while (System.nanoTime() - deadline < 0) {
			if (!load.anyRefused() && load.keyWrites() >= before + 10) {
				return true;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
		return false;
	}

	/** Checks that every moved key's rows are on its owner only. */
	private void checkNothingLeft(ConfigurableApplicationContext app, MySqlTopology topology, long[][] keys,
			MoveReport report) throws SQLException {
		ShardRouter router = app.getBean(ShardRouter.class);
		for (long[] classKeys : keys) {
			for (long key : classKeys) {
				String owner = router.shardFor(key, "bench").name();
				for (TopologyShard shard : topology.shards()) {
					try (Connection connection = shard.primary().openConnection();
							PreparedStatement count = connection
								.prepareStatement("SELECT COUNT(*) FROM bench_orders WHERE customer_id = ?")) {
						count.setLong(1, key);
						try (ResultSet rs = count.executeQuery()) {
							rs.next();
							long rows = rs.getLong(1);
							if (!shard.name().equals(owner) && rows > 0) {
								report.failure(rows + " rows of key " + key + " left on " + shard.name()
										+ ", which does not own it");
							}
							if (shard.name().equals(owner) && rows == 0) {
								report.failure("no rows of key " + key + " on its owner " + owner);
							}
						}
					}
				}
			}
		}
	}

	/** Times the digest reads of the largest key on its owner, with the load stopped. */
	private void digestCost(ConfigurableApplicationContext app, MySqlTopology topology, long[][] keys,
			MoveReport report) throws SQLException {
		long key = keys[keys.length - 1][0];
		String owner = app.getBean(ShardRouter.class).shardFor(key, "bench").name();
		TopologyShard shard = topology.shards().stream().filter((s) -> s.name().equals(owner)).findFirst().orElseThrow();
		try (Connection connection = shard.primary().openConnection()) {
			report.digestCost(DigestCost.measure(connection, "bench_orders", "customer_id", key));
		}
	}

	private static String other(String shard) {
		return shard.equals("shard-0") ? "shard-1" : "shard-0";
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
		System.out.println("[moves] " + message);
		System.out.flush();
	}

}
