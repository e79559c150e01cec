package dev.shardline.it.fleet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replication monitor on 16 real nodes with some of them frozen (SIGSTOP: the kernel
 * still accepts connections, the server never answers): start-up waits at most about one
 * connect timeout for them, the other nodes' probes go on at the check interval, and the
 * probe threads stay bounded.
 */
@RealTopology(shards = 8, replicas = 1)
class FleetMonitorTests {

	private static final Log logger = LogFactory.getLog(FleetMonitorTests.class);

	private static final Duration INTERVAL = Duration.ofMillis(250);

	private static final ExecutorService TIMEOUTS = Executors.newSingleThreadExecutor();

	@AfterAll
	static void stopTimeouts() {
		TIMEOUTS.shutdownNow();
	}

	private static ConfigurableApplicationContext start(MySqlTopology topology, Duration connectTimeout,
			String... extra) {
		List<String> properties = new ArrayList<>(List.of("spring.sql.init.mode=never",
				"shardline.replication.check-interval=" + INTERVAL.toMillis() + "ms",
				"shardline.replication.connect-timeout=" + connectTimeout.toMillis() + "ms",
				"shardline.hikari.minimum-idle=0"));
		properties.addAll(List.of(extra));
		return RoutedApplication.start(topology, JdbcApp.class, properties.toArray(String[]::new));
	}

	@Test
	void frozenNodesDelayNoOtherNodesProbes(MySqlTopology topology) throws Exception {
		Duration connectTimeout = Duration.ofSeconds(4);
		List<TopologyNode> frozen = List.of(topology.shard(1).primary(), topology.shard(2).replica(0),
				topology.shard(3).replica(0));
		try (ConfigurableApplicationContext context = start(topology, connectTimeout)) {
			Topology nodes = context.getBean(Topology.class);
			awaitAllUp(nodes);
			for (TopologyNode node : frozen) {
				node.freeze();
			}
			try {
				// Replicas not frozen (also shard-1's, whose primary is): their lag keeps being
				// measured at the interval. Had a round waited for the frozen probes, every
				// replica would be measured only once per connect timeout.
				Map<String, Long> replicaGaps = new LinkedHashMap<>();
				Map<String, Long> heartbeatGaps = new LinkedHashMap<>();
				observeGaps(topology, nodes, frozen, Duration.ofSeconds(5), replicaGaps, heartbeatGaps);
				logger.info("FLEET FROZEN: longest gap between lag measurements per replica (ms) " + replicaGaps
						+ "; between heartbeats written per primary (ms) " + heartbeatGaps);
				assertThat(replicaGaps).hasSize(6);
				assertThat(replicaGaps.values()).allMatch((gap) -> gap < connectTimeout.toMillis() / 2,
						"every gap shorter than half the connect timeout");
				assertThat(heartbeatGaps).hasSize(7);
				assertThat(heartbeatGaps.values()).allMatch((gap) -> gap < connectTimeout.toMillis() / 2,
						"every gap shorter than half the connect timeout");

				// The frozen ones are found out, and never take more than the bounded probe threads.
				await().atMost(connectTimeout.multipliedBy(3)).untilAsserted(() -> {
					assertThat(node(nodes, "shard-1", -1).health().state()).isEqualTo(NodeHealth.State.DOWN);
					assertThat(node(nodes, "shard-2", 0).health().state()).isEqualTo(NodeHealth.State.DOWN);
					assertThat(node(nodes, "shard-3", 0).health().state()).isEqualTo(NodeHealth.State.DOWN);
				});
				assertThat(context.getBean(ReplicationMonitor.class).largestProbeThreadCount())
					.isLessThanOrEqualTo(ReplicationMonitor.maxProbeThreads());
			}
			finally {
				frozen.forEach(TopologyNode::thaw);
			}
			awaitAllUp(nodes);
		}
	}

	@Test
	void hungAndRefusingNodesDelayStartUpByAtMostAboutOneConnectTimeout(MySqlTopology topology) throws Exception {
		Duration connectTimeout = Duration.ofSeconds(2);
		String refused = "jdbc:mysql://127.0.0.1:" + unusedPort() + "/app";
		long baseline;
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = start(topology, connectTimeout)) {
			baseline = System.nanoTime() - started;
		}
		// More hung nodes than probe threads, across primaries and replicas, and one that refuses.
		List<TopologyNode> frozen = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			frozen.add(topology.shard(i).primary());
		}
		for (int i = 0; i <= 4; i++) {
			frozen.add(topology.shard(i).replica(0));
		}
		assertThat(frozen.size()).isGreaterThan(ReplicationMonitor.maxProbeThreads());
		frozen.forEach(TopologyNode::freeze);
		try {
			started = System.nanoTime();
			try (ConfigurableApplicationContext context = start(topology, connectTimeout,
					"shardline.shards.shard-7.replicas[0].url=" + refused)) {
				long withFaults = System.nanoTime() - started;
				Duration delay = Duration.ofNanos(withFaults - baseline);
				logger.info("FLEET START-UP: 16 nodes, " + frozen.size() + " frozen + 1 refusing, connect-timeout "
						+ connectTimeout.toMillis() + " ms: start-up " + withFaults / 1_000_000 + " ms vs "
						+ baseline / 1_000_000 + " ms all healthy (delay " + delay.toMillis() + " ms)");
				// One connect timeout (+0.5 s for the round) is the design; the rest is a loaded machine's margin.
				assertThat(delay).isLessThan(connectTimeout.multipliedBy(2).plusSeconds(1));
				Topology nodes = context.getBean(Topology.class);
				assertThat(context.getBean(ReplicationMonitor.class).largestProbeThreadCount())
					.isLessThanOrEqualTo(ReplicationMonitor.maxProbeThreads());
				// Healthy replicas serve soon (shard-5's has no heartbeat to measure: its primary hangs);
				// the hung and the refusing ones are found out.
				await().atMost(connectTimeout.multipliedBy(4)).untilAsserted(() -> {
					assertThat(node(nodes, "shard-6", 0).health().state()).isEqualTo(NodeHealth.State.UP);
					assertThat(node(nodes, "shard-5", 0).health().state()).isEqualTo(NodeHealth.State.UNKNOWN);
					assertThat(node(nodes, "shard-7", 0).health().state()).isEqualTo(NodeHealth.State.DOWN);
					for (int i = 0; i <= 4; i++) {
						assertThat(node(nodes, "shard-" + i, 0).health().state()).isEqualTo(NodeHealth.State.DOWN);
					}
				});
			}
		}
		finally {
			frozen.forEach(TopologyNode::thaw);
		}
		topology.awaitReplicationCaughtUp();
	}

	/**
	 * Samples for a while: per healthy replica, the longest time without a new lag
	 * measurement; per reachable primary, the longest time without a new heartbeat row value
	 * (read on the server).
	 */
	private static void observeGaps(MySqlTopology topology, Topology nodes, List<TopologyNode> frozen,
			Duration window, Map<String, Long> replicaGaps, Map<String, Long> heartbeatGaps) throws SQLException {
		Map<String, Long> lastValue = new LinkedHashMap<>();
		Map<String, Long> lastChange = new LinkedHashMap<>();
		Map<String, Connection> primaries = new LinkedHashMap<>();
		try {
			for (TopologyShard shard : topology.shards()) {
				if (!frozen.contains(shard.primary())) {
					Connection connection = shard.primary().openConnection();
					connection.setNetworkTimeout(TIMEOUTS, 2000);
					primaries.put(shard.name(), connection);
				}
			}
			long start = System.currentTimeMillis();
			long end = start + window.toMillis();
			while (true) {
				long now = System.currentTimeMillis();
				for (TopologyShard shard : topology.shards()) {
					if (!frozen.contains(shard.replica(0))) {
						long measured = node(nodes, shard.name(), 0).health().measuredAtMillis();
						track("replica " + shard.name(), measured, now, start, lastValue, lastChange, replicaGaps);
					}
				}
				for (Map.Entry<String, Connection> primary : primaries.entrySet()) {
					track("primary " + primary.getKey(), newestHeartbeat(primary.getValue()), now, start, lastValue,
							lastChange, heartbeatGaps);
				}
				if (now >= end) {
					break;
				}
				pause(50);
			}
		}
		finally {
			for (Connection connection : primaries.values()) {
				connection.close();
			}
		}
	}

	private static void track(String key, long value, long now, long start, Map<String, Long> lastValue,
			Map<String, Long> lastChange, Map<String, Long> gaps) {
		Long previous = lastValue.put(key, value);
		if (previous == null) {
			lastChange.put(key, start);
		}
		else if (previous != value) {
			lastChange.put(key, now);
		}
		gaps.merge(key.substring(key.indexOf(' ') + 1), now - lastChange.get(key), Math::max);
	}

	private static long newestHeartbeat(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT MAX(written_micros) FROM shardline_heartbeat")) {
			return rs.next() ? rs.getLong(1) : 0;
		}
	}

	private static ShardNode node(Topology nodes, String shard, int replica) {
		return (replica < 0) ? nodes.shard(shard).primary() : nodes.shard(shard).replicas().get(replica);
	}

	private static void awaitAllUp(Topology nodes) {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(nodes.nodes()).allSatisfy((node) -> assertThat(node.health().state())
				.as(node.name())
				.isEqualTo(NodeHealth.State.UP)));
	}

	private static int unusedPort() throws java.io.IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
