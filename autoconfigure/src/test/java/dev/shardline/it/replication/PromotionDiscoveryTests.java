package dev.shardline.it.replication;

import java.time.Duration;

import dev.shardline.ShardUnavailableException;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * With discover-primary, writes follow the one writable node after a promotion (pool names
 * stay as configured), and two writable nodes stop writes rather than risk split-brain.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class PromotionDiscoveryTests {

	@Test
	void writesFollowThePromotedNode(MySqlTopology topology) {
		TopologyShard shard = topology.shard(0);
		TopologyNode oldPrimary = shard.primary();
		TopologyNode promoted = shard.replica(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.discover-primary=true", "shardline.replication.check-interval=250ms")) {
			OrderStore store = context.getBean(OrderStore.class);
			assertThat(store.serverIdForWrite(1)).isEqualTo(oldPrimary.serverId());
			topology.promote(shard, promoted);
			// Until the monitor sees the promotion, writes fail fast on the demoted (read-only) node.
			await().atMost(Duration.ofSeconds(10))
				.ignoreException(ShardUnavailableException.class)
				.until(() -> store.serverIdForWrite(1) == promoted.serverId());
			store.insert(9_000_001L, 1);
			dev.shardline.topology.Shard routed = context.getBean(Topology.class).shard("shard-0");
			assertThat(routed.currentPrimary().name()).isEqualTo("shardline-shard-0-replica-0");
			// The demoted node replicates from the promoted one and serves reads.
			await().atMost(Duration.ofSeconds(10)).until(() -> store.serverIdForRead(1) == oldPrimary.serverId());

			// Two writable nodes: writes are refused, reads go on.
			oldPrimary.setReadOnly(false);
			try {
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatExceptionOfType(
						ShardUnavailableException.class)
					.isThrownBy(() -> store.insert(9_000_002L, 1))
					.withMessageContaining("writable"));
			}
			finally {
				oldPrimary.setReadOnly(true);
			}
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> store.insert(9_000_003L, 1));
			assertThat(store.serverIdForWrite(1)).isEqualTo(promoted.serverId());
		}
	}

}
