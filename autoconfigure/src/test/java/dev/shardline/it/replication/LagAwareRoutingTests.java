package dev.shardline.it.replication;

import java.time.Duration;

import dev.shardline.NoReplicaAvailableException;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Lag-aware replica choice on a real 1 x (1 + 1) topology: a replica whose replication stops
 * or falls behind max-lag stops serving reads within two check intervals of crossing it, its
 * lag is visible through the API, and it serves again after catching up.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class LagAwareRoutingTests {

	private static final Duration INTERVAL = Duration.ofMillis(250);

	private static final Duration MAX_LAG = Duration.ofSeconds(1);

	/** Crossing max-lag, plus two check intervals, plus room for a loaded machine. */
	private static final Duration DETECTION = MAX_LAG.plus(INTERVAL.multipliedBy(2)).plusSeconds(3);

	private static ConfigurableApplicationContext start(MySqlTopology topology, String... extra) {
		String[] properties = new String[extra.length + 2];
		properties[0] = "shardline.replication.max-lag=" + MAX_LAG.toMillis() + "ms";
		properties[1] = "shardline.replication.check-interval=" + INTERVAL.toMillis() + "ms";
		System.arraycopy(extra, 0, properties, 2, extra.length);
		return RoutedApplication.start(topology, JdbcApp.class, properties);
	}

	@Test
	void stoppedSqlThreadTakesTheReplicaOutUntilItCatchesUp(MySqlTopology topology) {
		TopologyNode replicaServer = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = start(topology)) {
			OrderStore store = context.getBean(OrderStore.class);
			ShardNode replica = context.getBean(Topology.class).shard("shard-0").replicas().get(0);
			assertThat(store.serverIdForRead(1)).isEqualTo(replicaServer.serverId());
			assertThat(replica.health().lagNanos()).isBetween(0L, MAX_LAG.toNanos());
			replicaServer.stopReplicaSqlThread();
			try {
				await().atMost(DETECTION).until(() -> store.serverIdForRead(1) == primaryId);
				assertThat(replica.health().state()).isEqualTo(NodeHealth.State.LAGGING);
				assertThat(replica.health().lagNanos()).isGreaterThan(MAX_LAG.toNanos());
				assertThat(context.getBean(RoutingStatistics.class).count("shard-0", true, RouteReason.FALLBACK_LAG))
					.as("fallbacks counted by reason")
					.isPositive();
			}
			finally {
				replicaServer.startReplicaSqlThread();
			}
			await().atMost(DETECTION).until(() -> store.serverIdForRead(1) == replicaServer.serverId());
			assertThat(replica.health().state()).isEqualTo(NodeHealth.State.UP);
			assertThat(context.getBean(RoutingStatistics.class).count("shard-0", false, RouteReason.REPLICA)).isPositive();
		}
	}

	@Test
	void replicationDelayBeyondMaxLagTakesTheReplicaOut(MySqlTopology topology) {
		TopologyNode replicaServer = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = start(topology)) {
			OrderStore store = context.getBean(OrderStore.class);
			ShardNode replica = context.getBean(Topology.class).shard("shard-0").replicas().get(0);
			replicaServer.setReplicationDelay(Duration.ofSeconds(3));
			try {
				await().atMost(DETECTION.plusSeconds(3)).until(() -> store.serverIdForRead(2) == primaryId);
				assertThat(replica.health().lagNanos()).isGreaterThan(MAX_LAG.toNanos());
			}
			finally {
				replicaServer.setReplicationDelay(Duration.ZERO);
			}
			await().atMost(DETECTION.plusSeconds(3)).until(() -> store.serverIdForRead(2) == replicaServer.serverId());
		}
	}

	@Test
	void replicaStatusMethodTreatsNullLagAsUnknownNeverZero(MySqlTopology topology) {
		TopologyNode replicaServer = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = start(topology, "shardline.replication.method=replica-status")) {
			OrderStore store = context.getBean(OrderStore.class);
			ShardNode replica = context.getBean(Topology.class).shard("shard-0").replicas().get(0);
			await().atMost(DETECTION).until(() -> store.serverIdForRead(3) == replicaServer.serverId());
			replicaServer.stopReplicaSqlThread();
			try {
				await().atMost(DETECTION).until(() -> store.serverIdForRead(3) == primaryId);
				assertThat(replica.health().state()).isEqualTo(NodeHealth.State.UNKNOWN);
				assertThat(replica.health().lagNanos()).isEqualTo(NodeHealth.UNKNOWN_LAG);
				assertThat(context.getBean(RoutingStatistics.class)
					.count("shard-0", true, RouteReason.FALLBACK_UNKNOWN_LAG)).isPositive();
			}
			finally {
				replicaServer.startReplicaSqlThread();
			}
			await().atMost(DETECTION).until(() -> store.serverIdForRead(3) == replicaServer.serverId());
		}
	}

	@Test
	void fallbackFailRefusesReadsNoReplicaMayServe(MySqlTopology topology) {
		TopologyNode replicaServer = topology.shard(0).replica(0);
		try (ConfigurableApplicationContext context = start(topology, "shardline.replication.fallback=fail")) {
			OrderStore store = context.getBean(OrderStore.class);
			replicaServer.stopReplicaSqlThread();
			try {
				await().atMost(DETECTION)
					.untilAsserted(() -> assertThatExceptionOfType(NoReplicaAvailableException.class)
						.isThrownBy(() -> store.serverIdForRead(4))
						.withMessageContaining("shard-0")
						.withMessageContaining("fallback-lag"));
			}
			finally {
				replicaServer.startReplicaSqlThread();
			}
		}
	}

}
