package dev.shardline.it.replication;

import java.time.Duration;

import dev.shardline.ShardUnavailableException;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.countOrders;
import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A primary killed with SIGKILL: writes to its shard fail fast with a clear exception, other
 * shards keep working, its replica keeps serving reads, and writes work again once it is back.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class PrimaryFailureTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	@Test
	void hungPrimaryIsDetectedAndLaterWritesFailFast(MySqlTopology topology) {
		TopologyNode hung = shard(topology, "shard-1").primary();
		long onShard1 = customersOn(topology, "shard-1", 1, 81_000_000).get(0);
		long onShard0 = customersOn(topology, "shard-0", 1, 81_000_000).get(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
				"shardline.replication.check-interval=250ms")) {
			OrderStore store = context.getBean(OrderStore.class);
			dev.shardline.topology.ShardNode primary = context.getBean(dev.shardline.topology.Topology.class)
				.shard("shard-1")
				.primary();
			hung.freeze();
			try {
				// The monitor's probe times out: the primary is DOWN within connect-timeout plus an interval.
				await().atMost(CONNECT_TIMEOUT.plusSeconds(3))
					.until(() -> primary.health().state() == dev.shardline.topology.NodeHealth.State.DOWN);
				long started = System.nanoTime();
				assertThatExceptionOfType(ShardUnavailableException.class).isThrownBy(() -> store.insert(onShard1, 1))
					.withMessageContaining("shardline-shard-1-primary");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECT_TIMEOUT);
				store.insert(onShard0, 1);
			}
			finally {
				hung.thaw();
			}
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> store.insert(onShard1, 2));
		}
	}

	@Test
	void deadPrimaryFailsFastAndRecovers(MySqlTopology topology) {
		TopologyNode deadPrimary = shard(topology, "shard-0").primary();
		long onShard0 = customersOn(topology, "shard-0", 1, 80_000_000).get(0);
		long onShard1 = customersOn(topology, "shard-1", 1, 80_000_000).get(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.replication.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
				"shardline.replication.check-interval=250ms")) {
			OrderStore store = context.getBean(OrderStore.class);
			store.insert(onShard0, 1);
			deadPrimary.kill();
			// A write on a pooled connection that was open at the crash fails with the driver's own
			// communications error; every attempt ends within the connect timeout (never Hikari's
			// 30 s default), and once the failure is known, writes fail at once with a clear message.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				long started = System.nanoTime();
				Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> store.insert(onShard0, 2));
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECT_TIMEOUT.plusSeconds(2));
				assertThat(failure).isInstanceOf(ShardUnavailableException.class);
			});
			for (int attempt = 0; attempt < 3; attempt++) {
				long started = System.nanoTime();
				assertThatExceptionOfType(ShardUnavailableException.class).isThrownBy(() -> store.insert(onShard0, 2))
					.withMessageContaining("shard-0")
					.withMessageContaining("shardline-shard-0-primary");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
			}
			store.insert(onShard1, 3);
			assertThat(countOrders(shard(topology, "shard-1").primary(), onShard1)).isEqualTo(1);
			assertThat(store.serverIdForRead(onShard0)).as("replica keeps serving reads")
				.isEqualTo(shard(topology, "shard-0").replica(0).serverId());
			deadPrimary.restart();
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> store.insert(onShard0, 4));
			assertThat(countOrders(deadPrimary, onShard0)).isEqualTo(2);
		}
	}

}
