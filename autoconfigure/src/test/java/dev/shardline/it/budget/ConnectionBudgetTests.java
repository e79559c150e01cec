package dev.shardline.it.budget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shardline.actuate.ShardlineEndpoint;
import dev.shardline.budget.ConnectionBudget;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection budget on real servers: a node whose {@code max_connections} is lower than
 * (pool maximum + monitor connection) x expected instances gets one WARN with the arithmetic
 * once the monitor has reached it; the other nodes get none; the endpoint shows each node's
 * budget and server limit and the totals.
 */
@RealTopology(shards = 2, replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class ConnectionBudgetTests {

	private static final Pattern BUDGET_WARNING = Pattern
		.compile("WARN .* Node (shardline-[\\w-]+) \\([^)]*\\) allows max_connections=(\\d+)");

	@Test
	void warnsOnceForTheNodeWhosePoolsWouldExceedItsMaxConnections(MySqlTopology topology, CapturedOutput output)
			throws SQLException {
		TopologyNode lowered = shard(topology, "shard-1").primary();
		long original = maxConnections(lowered);
		for (TopologyNode node : List.of(shard(topology, "shard-0").primary(), shard(topology, "shard-1").replicas().get(0))) {
			assertThat(maxConnections(node)).as("max_connections of %s", node).isGreaterThanOrEqualTo(50);
		}
		setMaxConnections(lowered, 40);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.expected-instances=10", "shardline.hikari.maximum-pool-size=4",
				"spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=shardline")) {
			ConnectionBudget budget = context.getBean(ConnectionBudget.class);
			Topology shardline = context.getBean(Topology.class);
			ShardNode loweredNode = shardline.shard("shard-1").primary();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> shardline.nodes().stream().allMatch((node) -> budget.limits(node) != null));

			// (4 + 1) x 10 = 50 > 40 on the lowered node only
			assertThat(budget.limits(loweredNode).maxConnections()).isEqualTo(40);
			assertThat(budget.allInstances(loweredNode)).isEqualTo(50);
			Matcher warnings = BUDGET_WARNING.matcher(output.getAll());
			int count = 0;
			while (warnings.find()) {
				assertThat(warnings.group(1)).isEqualTo("shardline-shard-1-primary");
				assertThat(warnings.group(2)).isEqualTo("40");
				count++;
			}
			assertThat(count).as("budget warnings in%n%s", output.getAll()).isEqualTo(1);
			assertThat(output.getAll()).contains("(4 pool maximum + 1 monitor) x 10 expected instances = 50 connections");

			Map<String, Object> overview = context.getBean(ShardlineEndpoint.class).overview();
			assertThat(overview.get("connections")).isEqualTo(Map.of("nodes", 4, "poolMaximum", 16L, "monitor", 4L,
					"perInstance", 20L, "expectedInstances", 10, "allInstances", 200L, "open",
					((Map<?, ?>) overview.get("connections")).get("open")));
			Map<String, Object> loweredDescription = node(overview, "shard-1", 0);
			assertThat(map(loweredDescription.get("connectionBudget"))).containsEntry("perInstance", 5)
				.containsEntry("allInstances", 50L)
				.containsEntry("serverMaxConnections", 40L)
				.containsEntry("exceeded", true);
			assertThat(map(node(overview, "shard-0", 0).get("connectionBudget"))).containsEntry("exceeded", false);
			assertThat(map(loweredDescription.get("pool"))).containsEntry("max", 4);
		}
		finally {
			setMaxConnections(lowered, original);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> node(Map<String, Object> overview, String shard, int index) {
		Map<String, Object> shards = (Map<String, Object>) overview.get("shards");
		return (Map<String, Object>) ((List<Object>) ((Map<String, Object>) shards.get(shard)).get("nodes")).get(index);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	private static long maxConnections(TopologyNode node) throws SQLException {
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT @@max_connections")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static void setMaxConnections(TopologyNode node, long value) throws SQLException {
		try (Connection connection = node.openAdminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET GLOBAL max_connections = " + value);
		}
	}

}
