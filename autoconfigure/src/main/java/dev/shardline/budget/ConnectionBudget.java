package dev.shardline.budget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Compares what this application may open on each node with what the node allows. Every
 * instance opens, per node, up to its pool's {@code maximum-pool-size} connections plus the
 * replication monitor's one; times {@code shardline.expected-instances} that is the node's
 * worst case. Once the monitor has reached a node, a background thread reads the server's
 * {@code max_connections} (and {@code Threads_connected}) through the node's pool, once, and
 * logs one WARN when the worst case exceeds it. Start-up never waits for it.
 */
public final class ConnectionBudget implements SmartLifecycle {

	/** Connections the replication monitor keeps to every node, outside the pool. */
	public static final int MONITOR_CONNECTIONS = 1;

	private static final Log logger = LogFactory.getLog(ConnectionBudget.class);

	private final List<ShardNode> nodes;

	private final int expectedInstances;

	private final IntSupplier completedMonitorChecks;

	private final Duration interval;

	private final Map<ShardNode, ServerLimits> limits = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService executor;

	/**
	 * Creates the budget.
	 * @param topology the nodes
	 * @param expectedInstances instances of the application that run at once, at least 1
	 * @param completedMonitorChecks the monitor's completed rounds: nodes are read once it has probed them
	 * @param interval how often to look for nodes that became reachable
	 */
	public ConnectionBudget(Topology topology, int expectedInstances, IntSupplier completedMonitorChecks,
			Duration interval) {
		if (expectedInstances < 1) {
			throw new IllegalArgumentException("expectedInstances must be at least 1, was " + expectedInstances);
		}
		this.nodes = topology.nodes();
		this.expectedInstances = expectedInstances;
		this.completedMonitorChecks = completedMonitorChecks;
		this.interval = interval;
	}

	/** Instances of the application that run at once. */
	public int expectedInstances() {
		return this.expectedInstances;
	}

	/** The most connections one instance opens to the node: its pool's maximum plus the monitor's. */
	public int perInstance(ShardNode node) {
		return node.pool().getMaximumPoolSize() + MONITOR_CONNECTIONS;
	}

	/** The most connections all instances open to the node. */
	public long allInstances(ShardNode node) {
		return (long) perInstance(node) * this.expectedInstances;
	}

	/**
	 * What the node's server reported.
	 * @param node the node
	 * @return its limits (max connections -1 when it reports none), or null while it has not
	 * been read (not reached yet)
	 */
	public ServerLimits limits(ShardNode node) {
		return this.limits.get(node);
	}

	/**
	 * Reads every node the monitor has reached and that was not read yet; logs a WARN for each
	 * whose budget exceeds its {@code max_connections}. Called on the budget's own thread.
	 * @return whether every node has been read
	 */
	public boolean readReachedNodes() {
		if (this.completedMonitorChecks.getAsInt() < 1) {
			return false;
		}
		boolean all = true;
		for (ShardNode node : this.nodes) {
			if (this.limits.containsKey(node)) {
				continue;
			}
			NodeHealth.State state = node.health().state();
			if (state == NodeHealth.State.DOWN || state == NodeHealth.State.EJECTED) {
				all = false;
				continue;
			}
			try {
				ServerLimits read = read(node);
				this.limits.put(node, read);
				check(node, read);
			}
			catch (SQLException | RuntimeException ex) {
				all = false;
				if (logger.isDebugEnabled()) {
					logger.debug("Could not read max_connections of " + node.name() + ": " + ex.getMessage());
				}
			}
		}
		return all;
	}

	private static ServerLimits read(ShardNode node) throws SQLException {
		try (Connection connection = node.dataSource().getConnection();
				Statement statement = connection.createStatement()) {
			long maxConnections;
			try (ResultSet rs = statement.executeQuery("SELECT @@max_connections")) {
				rs.next();
				maxConnections = rs.getLong(1);
			}
			catch (SQLException ex) {
				// Reached, but not a server that reports it (e.g. an embedded database): do not ask again.
				if (logger.isDebugEnabled()) {
					logger.debug("Node " + node.name() + " does not report max_connections: " + ex.getMessage());
				}
				return ServerLimits.UNREPORTED;
			}
			Long threadsConnected = null;
			try (ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_connected'")) {
				if (rs.next()) {
					threadsConnected = Long.parseLong(rs.getString(2).trim());
				}
			}
			catch (SQLException | NumberFormatException ex) {
				// Informational only.
			}
			return new ServerLimits(maxConnections, threadsConnected, System.currentTimeMillis());
		}
	}

	private void check(ShardNode node, ServerLimits read) {
		long worst = allInstances(node);
		if (read.maxConnections() >= 0 && worst > read.maxConnections()) {
			logger.warn("Node " + node.name() + " (" + node.url() + ") allows max_connections=" + read.maxConnections()
					+ ((read.threadsConnected() != null) ? " (" + read.threadsConnected() + " connected now)" : "")
					+ ", but (" + node.pool().getMaximumPoolSize() + " pool maximum + " + MONITOR_CONNECTIONS
					+ " monitor) x " + this.expectedInstances + " expected instances = " + worst
					+ " connections may be opened to it. Lower maximum-pool-size (shardline.hikari.* or the node's "
					+ "hikari.*), raise the server's max_connections, or correct shardline.expected-instances");
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "shardline-budget");
			thread.setDaemon(true);
			return thread;
		});
		this.executor = executor;
		long millis = Math.max(250, this.interval.toMillis());
		executor.scheduleWithFixedDelay(() -> {
			try {
				if (readReachedNodes()) {
					executor.shutdown();
				}
			}
			catch (RuntimeException ex) {
				logger.debug("Connection budget check failed", ex);
			}
		}, 0, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// After the replication monitor (which probes every node once before it returns), and
		// stopped before it and before the pools close.
		return Integer.MAX_VALUE - 900;
	}

	/**
	 * What a node's server reported.
	 * @param maxConnections {@code @@max_connections}, or -1 when the server does not report it
	 * @param threadsConnected {@code Threads_connected} when read, or null
	 * @param readAtMillis when it was read (epoch millis)
	 */
	public record ServerLimits(long maxConnections, Long threadsConnected, long readAtMillis) {

		/** A reached node whose server has no {@code max_connections} (e.g. an embedded database). */
		static final ServerLimits UNREPORTED = new ServerLimits(-1, null, 0);

	}

}
