package dev.shardline.it.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica whose lag can never be known (the replica-status method, and a user without the
 * privilege to run {@code SHOW REPLICA STATUS}) is not silent: the log states every node's first
 * state at startup, with the reason, once; the replica is unknown (reachable), not down.
 */
@RealTopology(shards = 1, replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class UnknownReplicaStartupLogTests {

	private static final String USER = "lag_blind";

	private static final String PASSWORD = "lag-blind-pw";

	@Test
	void aReplicaWhoseLagCannotBeReadSaysWhyOnceAtStartup(MySqlTopology topology, CapturedOutput output)
			throws SQLException {
		TopologyNode replicaServer = topology.shard(0).replica(0);
		// Only on the replica and outside its binlog: the replica's GTID history stays the primary's.
		onReplica(replicaServer, "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
				"GRANT SELECT ON " + topology.database() + ".* TO '" + USER + "'@'%'");
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.method=replica-status", "shardline.replication.check-interval=200ms",
				"shardline.shards.shard-0.replicas[0].username=" + USER,
				"shardline.shards.shard-0.replicas[0].password=" + PASSWORD)) {
			ShardNode replica = context.getBean(Topology.class).shard("shard-0").replicas().get(0);
			ReplicationMonitor monitor = context.getBean(ReplicationMonitor.class);
			assertThat(replica.health().state()).isEqualTo(NodeHealth.State.UNKNOWN);
			assertThat(replica.health().lastError()).contains("SLAVE MONITOR");
			assertThat(context.getBean(OrderStore.class).serverIdForRead(5))
				.isEqualTo(topology.shard(0).primary().serverId());
			assertThat(context.getBean(RoutingStatistics.class)
				.count("shard-0", true, RouteReason.FALLBACK_UNKNOWN_LAG)).isPositive();
			int rounds = monitor.completedChecks();
			await().atMost(Duration.ofSeconds(10)).until(() -> monitor.completedChecks() >= rounds + 5);
			assertThat(replica.health().state()).isEqualTo(NodeHealth.State.UNKNOWN);
			String log = output.getOut();
			assertThat(occurrences(log, "Node shardline-shard-0-replica-0 \\(jdbc:[^)]*, replica\\) starts unknown: "
					+ "SHOW REPLICA STATUS is refused \\([^\\n]*SLAVE MONITOR[^\\n]*\\): grant the application user "
					+ "REPLICATION CLIENT \\(MySQL\\) or SLAVE MONITOR \\(MariaDB\\)"))
				.as("the replica's first state, with the reason, once:%n%s", log)
				.isEqualTo(1);
			assertThat(occurrences(log, "ReplicationMonitor[^\\n]*shardline-shard-0-replica-0"))
				.as("the monitor says nothing else about it while unchanged")
				.isEqualTo(1);
			assertThat(occurrences(log, "Node shardline-shard-0-primary \\(jdbc:[^)]*, primary\\) starts up"))
				.isEqualTo(1);
			assertThat(log).doesNotContain(PASSWORD);
		}
		finally {
			onReplica(replicaServer, "DROP USER IF EXISTS '" + USER + "'@'%'");
		}
	}

	@Test
	void aReplicaWithoutTheHeartbeatTableSaysWhyOnceAtStartup(MySqlTopology topology, CapturedOutput output) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.heartbeat-table=no_such_heartbeat",
				"shardline.replication.create-heartbeat-table=false", "shardline.replication.check-interval=200ms")) {
			ShardNode replica = context.getBean(Topology.class).shard("shard-0").replicas().get(0);
			ReplicationMonitor monitor = context.getBean(ReplicationMonitor.class);
			int rounds = monitor.completedChecks();
			await().atMost(Duration.ofSeconds(10)).until(() -> monitor.completedChecks() >= rounds + 5);
			assertThat(replica.health().state()).isEqualTo(NodeHealth.State.UNKNOWN);
			// The primary answers: a missing heartbeat table does not stop writes.
			assertThat(context.getBean(Topology.class).shard("shard-0").primary().health().state())
				.isEqualTo(NodeHealth.State.UP);
			context.getBean(OrderStore.class).insert(6, 1);
			String log = output.getOut();
			assertThat(occurrences(log, "Cannot write the heartbeat on shardline-shard-0-primary")).isEqualTo(1);
			assertThat(occurrences(log, "Node shardline-shard-0-replica-0 \\(jdbc:[^)]*, replica\\) starts unknown: "
					+ "the heartbeat table cannot be read \\([^\\n]*no_such_heartbeat[^\\n]*\\): let Shardline create"))
				.as("the replica's first state, with the reason, once:%n%s", log)
				.isEqualTo(1);
			assertThat(occurrences(log, "ReplicationMonitor[^\\n]*shardline-shard-0-replica-0"))
				.as("the monitor says nothing else about it while unchanged")
				.isEqualTo(1);
		}
	}

	private static int occurrences(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static void onReplica(TopologyNode replica, String... statements) throws SQLException {
		try (Connection connection = replica.openAdminConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET SESSION sql_log_bin = 0");
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

}
