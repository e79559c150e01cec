package dev.shardline.it.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.ShardNode;
import org.awaitility.core.ConditionTimeoutException;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

import static org.awaitility.Awaitility.await;

/**
 * Reads what the checks judge after a run: every node's rows and the directory straight from
 * the servers, and from every instance its pools' active connections and its health. Pools and
 * health are given a bounded time to settle (connections in flight return, the monitor's next
 * probe), then read as they are.
 */
final class ServerStateReader {

	private static final Duration POOLS_SETTLE = Duration.ofSeconds(10);

	private static final Duration HEALTH_SETTLE = Duration.ofSeconds(15);

	private ServerStateReader() {
	}

	static ServerState read(MySqlTopology topology, List<ChaosInstance> instances) {
		List<ServerState.NodeRows> nodes = new ArrayList<>();
		for (TopologyShard shard : topology.shards()) {
			for (TopologyNode node : topology.nodes()) {
				if (node.name().startsWith(shard.name() + "-")) {
					nodes.add(new ServerState.NodeRows(node.name(), shard.name(), rows(node)));
				}
			}
		}
		settle(POOLS_SETTLE, () -> active(instances).values().stream().allMatch((n) -> n == 0));
		Map<String, Integer> active = active(instances);
		settle(HEALTH_SETTLE, () -> health(instances).values().stream().allMatch("UP"::equals));
		Map<String, String> health = health(instances);
		return new ServerState(nodes, directory(topology.shard(0).primary()), active, health);
	}

	private static void settle(Duration atMost, java.util.concurrent.Callable<Boolean> settled) {
		try {
			await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(settled);
		}
		catch (ConditionTimeoutException ex) {
			// judged by the checks as it is
		}
	}

	private static Map<Long, Long> rows(TopologyNode node) {
		Map<Long, Long> rows = new HashMap<>();
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT id, customer_id FROM chaos_write")) {
			while (rs.next()) {
				rows.put(rs.getLong(1), rs.getLong(2));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the rows of " + node, ex);
		}
		return rows;
	}

	/** Directory entries of numeric keys ({@code l:<number>}) → owning shard. */
	private static Map<Long, String> directory(TopologyNode primary) {
		Map<Long, String> entries = new HashMap<>();
		try (Connection connection = primary.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT shard_key, shard FROM shardline_directory")) {
			while (rs.next()) {
				String key = rs.getString(1);
				if (key.startsWith("l:")) {
					entries.put(Long.parseLong(key.substring(2)), rs.getString(2));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read the directory on " + primary, ex);
		}
		return entries;
	}

	private static Map<String, Integer> active(List<ChaosInstance> instances) {
		Map<String, Integer> active = new LinkedHashMap<>();
		for (ChaosInstance instance : instances) {
			for (ShardNode node : instance.topology().nodes()) {
				active.put(instance.name() + "/" + node.pool().getPoolName(),
						node.pool().getHikariPoolMXBean().getActiveConnections());
			}
		}
		return active;
	}

	private static Map<String, String> health(List<ChaosInstance> instances) {
		Map<String, String> health = new LinkedHashMap<>();
		for (ChaosInstance instance : instances) {
			walk(instance.name() + "/shardline",
					instance.context().getBean("shardlineHealthContributor", HealthContributor.class), health);
			for (ShardNode node : instance.topology().nodes()) {
				health.put(instance.name() + "/" + ChaosInstance.harnessName(node) + " monitor state",
						node.health().state().name());
			}
		}
		return health;
	}

	private static void walk(String path, HealthContributor contributor, Map<String, String> into) {
		if (contributor instanceof HealthIndicator indicator) {
			into.put(path, indicator.health().getStatus().getCode());
		}
		else if (contributor instanceof CompositeHealthContributor composite) {
			composite.stream().forEach((entry) -> walk(path + "/" + entry.name(), entry.contributor(), into));
		}
	}

}
