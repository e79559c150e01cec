package dev.shardline.it.replication;

import java.time.Duration;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica that dies (SIGKILL) or hangs (SIGSTOP) under a steady read load from several
 * threads: after the detection window no read fails (the primary serves), and after restart
 * or thaw the replica serves again.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class ReplicaFailureTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration INTERVAL = Duration.ofMillis(250);

	/** A probe times out, the next round marks the node down; room for a loaded machine. */
	private static final Duration DETECTION = CONNECT_TIMEOUT.plus(INTERVAL.multipliedBy(2)).plusSeconds(2);

	private static ConfigurableApplicationContext start(MySqlTopology topology) {
		TopologyNode replica = topology.shard(0).replica(0);
		return RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
				"shardline.replication.check-interval=" + INTERVAL.toMillis() + "ms",
				// Bounds statements already running on a node that hangs.
				"shardline.shards.shard-0.replicas[0].url=" + replica.jdbcUrl() + "?socketTimeout=1500",
				"shardline.hikari.maximum-pool-size=8");
	}

	/** The monitor (or a failed request) took the replica out of service. */
	private static boolean isOut(ConfigurableApplicationContext context) {
		NodeHealth.State state = context.getBean(Topology.class).shard("shard-0").replicas().get(0).health().state();
		return state == NodeHealth.State.DOWN || state == NodeHealth.State.EJECTED;
	}

	@Test
	void killedReplica(MySqlTopology topology) throws Exception {
		TopologyNode replica = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = start(topology)) {
			OrderStore store = context.getBean(OrderStore.class);
			try (ReadLoad load = new ReadLoad(4, () -> store.serverIdForRead(5))) {
				await().atMost(Duration.ofSeconds(5)).until(() -> load.servers().contains((long) replica.serverId()));
				replica.kill();
				await().atMost(DETECTION).until(() -> isOut(context));
				long detected = System.nanoTime();
				load.clearServers();
				long before = load.reads();
				await().atMost(Duration.ofSeconds(5)).until(() -> load.reads() > before + 50);
				assertThat(load.failuresStartedAfter(detected)).as("reads failed after detection").isZero();
				assertThat(load.servers()).containsOnly(primaryId);
				assertThat(context.getBean(RoutingStatistics.class).count("shard-0", true, RouteReason.FALLBACK_DOWN))
					.isPositive();
				replica.restart();
				load.clearServers();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> load.servers().contains((long) replica.serverId()));
			}
		}
	}

	@Test
	void frozenReplica(MySqlTopology topology) throws Exception {
		TopologyNode replica = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = start(topology)) {
			OrderStore store = context.getBean(OrderStore.class);
			try (ReadLoad load = new ReadLoad(4, () -> store.serverIdForRead(6))) {
				await().atMost(Duration.ofSeconds(5)).until(() -> load.servers().contains((long) replica.serverId()));
				replica.freeze();
				try {
					await().atMost(DETECTION).until(() -> isOut(context));
					long detected = System.nanoTime();
					load.clearServers();
					long before = load.reads();
					await().atMost(Duration.ofSeconds(5)).until(() -> load.reads() > before + 50);
					assertThat(load.failuresStartedAfter(detected)).as("reads failed after detection").isZero();
					assertThat(load.servers()).containsOnly(primaryId);
				}
				finally {
					replica.thaw();
				}
				load.clearServers();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> load.servers().contains((long) replica.serverId()));
			}
		}
	}

}
