package dev.shardline.scatter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.shardline.it.RoutedApplication;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.Topology;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running application on a real topology with a {@link ShardTemplate} on a fixed pool of
 * its own, plus direct SQL on the servers to check what happened there.
 */
final class ScatterFixture implements AutoCloseable {

	private static final AtomicInteger pools = new AtomicInteger();

	final ConfigurableApplicationContext context;

	final ExecutorService executor;

	final ShardTemplate template;

	final JdbcTemplate jdbc;

	final Topology shardline;

	/** What the listener was told, one {@code shards:failed} entry per scatter. */
	final List<String> completed = new CopyOnWriteArrayList<>();

	private ScatterFixture(ConfigurableApplicationContext context, ExecutorService executor, Duration timeout) {
		this.context = context;
		this.executor = executor;
		this.shardline = context.getBean(Topology.class);
		this.jdbc = context.getBean(JdbcTemplate.class);
		this.template = new ShardTemplate(context.getBean(ShardRouting.class), this.shardline, executor, timeout,
				(shards, nanos, failed) -> this.completed.add(shards + ":" + failed));
	}

	/**
	 * Starts the application with one scatter thread per shard.
	 */
	static ScatterFixture start(MySqlTopology topology, String... properties) {
		ConfigurableApplicationContext context = RoutedApplication.start(topology, ScatterApp.class, properties);
		int pool = pools.incrementAndGet();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(topology.shards().size(), (task) -> {
			Thread thread = new Thread(task, "scatter-" + pool + "-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		return new ScatterFixture(context, executor, Duration.ofSeconds(10));
	}

	@Override
	public void close() throws InterruptedException {
		try {
			this.executor.shutdownNow();
			assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).as("scatter threads ended").isTrue();
		}
		finally {
			this.context.close();
		}
	}

	static void execute(TopologyNode node, String... statements) {
		try (Connection connection = node.openConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run " + List.of(statements) + " on " + node, ex);
		}
	}

	static long queryLong(TopologyNode node, String sql) {
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run " + sql + " on " + node, ex);
		}
	}

	static List<Long> queryLongs(TopologyNode node, String sql) {
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			List<Long> values = new ArrayList<>();
			while (rs.next()) {
				values.add(rs.getLong(1));
			}
			return values;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run " + sql + " on " + node, ex);
		}
	}

	/** Server-side ids of the connections running a statement that contains the marker. */
	static List<Long> running(Connection admin, String marker) throws SQLException {
		try (PreparedStatement statement = admin.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST"
				+ " WHERE INFO LIKE ? AND ID <> CONNECTION_ID() ORDER BY ID")) {
			statement.setString(1, "%" + marker + "%");
			try (ResultSet rs = statement.executeQuery()) {
				List<Long> ids = new ArrayList<>();
				while (rs.next()) {
					ids.add(rs.getLong(1));
				}
				return ids;
			}
		}
	}

	static List<Long> running(TopologyNode node, String marker) {
		try (Connection admin = node.openAdminConnection()) {
			return running(admin, marker);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the process list of " + node, ex);
		}
	}

	/**
	 * Asserts, from the servers' process lists, that every node runs a statement with the
	 * marker at one moment: each node is read twice, in order, and shows the same server-side
	 * connection both times, so each of those statements ran throughout both passes.
	 */
	static void assertRunningTogether(List<Connection> admins, String marker) throws SQLException {
		List<List<Long>> first = new ArrayList<>();
		for (Connection admin : admins) {
			first.add(running(admin, marker));
		}
		List<List<Long>> second = new ArrayList<>();
		for (Connection admin : admins) {
			second.add(running(admin, marker));
		}
		assertThat(first).as("marker statements per node, first pass").allSatisfy((ids) -> assertThat(ids).hasSize(1));
		assertThat(second).as("marker statements per node, second pass").isEqualTo(first);
	}

	/** Runs work on a thread of its own (the scatter's caller), so the test can watch the servers meanwhile. */
	static <T> CompletableFuture<T> inBackground(Supplier<T> work) {
		CompletableFuture<T> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(work.get());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "scatter-caller");
		thread.setDaemon(true);
		thread.start();
		return result;
	}

}
