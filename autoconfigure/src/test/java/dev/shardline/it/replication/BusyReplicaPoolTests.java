package dev.shardline.it.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.routing.RouteReason;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saturated replica pool is not a dead replica: with every connection of one replica's pool
 * held, reads go to the other replica at once (no read waits out the pool's timeout), with both
 * pools held they go to the primary under reason {@code fallback-busy}, no replica is ever
 * ejected, and once released the replicas serve again.
 */
@RealTopology(shards = 1, replicas = 2)
class BusyReplicaPoolTests {

	/** Far below the pools' connection timeout (the connect-timeout, 5 s here), which a waiting read would show. */
	private static final Duration QUICK = Duration.ofMillis(2000);

	@Test
	void readsPassOverASaturatedReplicaPoolWithoutEjectingIt(MySqlTopology topology) throws SQLException {
		long primaryId = topology.shard(0).primary().serverId();
		long firstId = topology.shard(0).replica(0).serverId();
		long secondId = topology.shard(0).replica(1).serverId();
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.check-interval=200ms", "shardline.replication.connect-timeout=5s")) {
			OrderStore store = context.getBean(OrderStore.class);
			RoutingStatistics statistics = context.getBean(RoutingStatistics.class);
			Shard shard = context.getBean(Topology.class).shard("shard-0");
			ShardNode first = shard.replicas().get(0);
			ShardNode second = shard.replicas().get(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> first.health().state() == NodeHealth.State.UP
					&& second.health().state() == NodeHealth.State.UP);

			List<Connection> held = holdAll(first);
			try {
				for (int i = 0; i < 40; i++) {
					assertThat(timedRead(store, i)).as("read %s", i).isEqualTo(secondId);
					assertThat(first.health().state()).as("the busy replica").isEqualTo(NodeHealth.State.UP);
				}
				long busyBefore = statistics.count("shard-0", true, RouteReason.FALLBACK_BUSY);
				held.addAll(holdAll(second));
				for (int i = 0; i < 20; i++) {
					assertThat(timedRead(store, i)).as("read %s", i).isEqualTo(primaryId);
				}
				assertThat(statistics.count("shard-0", true, RouteReason.FALLBACK_BUSY) - busyBefore)
					.as("primary reads counted as fallback-busy")
					.isGreaterThanOrEqualTo(20);
				assertThat(context.getBean(MeterRegistry.class)
					.get("shardline.routing")
					.tags("shard", "shard-0", "role", "primary", "reason", "fallback-busy")
					.functionCounter()
					.count()).as("the shardline.routing counter").isGreaterThanOrEqualTo(20);
				assertThat(first.health().state()).isEqualTo(NodeHealth.State.UP);
				assertThat(second.health().state()).isEqualTo(NodeHealth.State.UP);
			}
			finally {
				for (Connection connection : held) {
					connection.close();
				}
			}
			List<Long> servers = new ArrayList<>();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				servers.add(store.serverIdForRead(servers.size()));
				return servers.contains(firstId) && servers.contains(secondId);
			});
			assertThat(servers).doesNotContain(primaryId);
		}
	}

	private static List<Connection> holdAll(ShardNode node) throws SQLException {
		List<Connection> held = new ArrayList<>();
		for (int i = 0; i < node.pool().getMaximumPoolSize(); i++) {
			held.add(node.pool().getConnection());
		}
		return held;
	}

	private static long timedRead(OrderStore store, long key) {
		long start = System.nanoTime();
		long server = store.serverIdForRead(key);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time for one read").isLessThan(QUICK);
		return server;
	}

}
