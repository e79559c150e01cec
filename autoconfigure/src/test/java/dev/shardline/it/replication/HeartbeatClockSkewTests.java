package dev.shardline.it.replication;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heartbeat lag is measured per application instance against that instance's own clock, so
 * two instances writing heartbeats at once, one of them with a clock an hour off, both
 * measure the same, real, sub-second lag, and both see it grow when replication stops.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class HeartbeatClockSkewTests {

	private static final ReplicationMonitor.Settings SETTINGS = new ReplicationMonitor.Settings(
			ReplicationMonitor.Method.HEARTBEAT, "shardline_heartbeat", true, Duration.ofSeconds(1),
			Duration.ofMillis(200), Duration.ofSeconds(1), false, false);

	@Test
	void twoInstancesOneSkewedMeasureTheSameLag(MySqlTopology mysql) {
		TopologyNode replicaServer = mysql.shard(0).replica(0);
		List<Topology> topologies = new ArrayList<>();
		List<ReplicationMonitor> monitors = new ArrayList<>();
		try {
			Clock[] clocks = { Clock.systemUTC(), Clock.offset(Clock.systemUTC(), Duration.ofHours(1)) };
			for (Clock clock : clocks) {
				Topology topology = Topology.create(List.of(new ShardSpec("shard-0", 1, node(mysql.shard(0).primary(), mysql),
						List.of(node(replicaServer, mysql)))), "shard-0", (config) -> {
						});
				topologies.add(topology);
				ReplicationMonitor monitor = new ReplicationMonitor(topology, SETTINGS, clock,
						ReplicationMonitor.newWriterId());
				monitors.add(monitor);
				monitor.start();
			}
			for (Topology topology : topologies) {
				ShardNode replica = topology.shard("shard-0").replicas().get(0);
				await().atMost(Duration.ofSeconds(5)).until(() -> replica.health().state() == NodeHealth.State.UP);
				assertThat(replica.health().lagNanos()).isBetween(0L, Duration.ofMillis(900).toNanos());
			}
			replicaServer.stopReplicaSqlThread();
			try {
				for (Topology topology : topologies) {
					ShardNode replica = topology.shard("shard-0").replicas().get(0);
					await().atMost(Duration.ofSeconds(8))
						.until(() -> replica.health().state() == NodeHealth.State.LAGGING);
					// Seconds behind, not an hour either way.
					assertThat(replica.health().lagNanos()).isBetween(Duration.ofSeconds(1).toNanos(),
							Duration.ofSeconds(60).toNanos());
				}
			}
			finally {
				replicaServer.startReplicaSqlThread();
			}
			for (Topology topology : topologies) {
				ShardNode replica = topology.shard("shard-0").replicas().get(0);
				await().atMost(Duration.ofSeconds(8)).until(() -> replica.health().state() == NodeHealth.State.UP);
			}
		}
		finally {
			monitors.forEach(ReplicationMonitor::stop);
			topologies.forEach(Topology::close);
		}
	}

	private static NodeSpec node(TopologyNode node, MySqlTopology mysql) {
		return new NodeSpec(node.jdbcUrl(), mysql.appUser(), mysql.appPassword(),
				Map.of("maximum-pool-size", "2", "minimum-idle", "0"), 1, "default");
	}

}
