package dev.shardline.it.directory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import java.util.Map;

import dev.shardline.actuate.ShardlineEndpoint;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.replication.ReplicationMonitor;
import dev.shardline.routing.RoutingStatistics;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRouting;
import dev.shardline.strategy.ShardingStrategy;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The directory on a real topology: it overrides the ring, a pin is visible to this
 * instance's next call and to another instance within the cache TTL, and two instances that
 * record a key's first owner at once agree on one.
 */
@RealTopology(shards = 2, replicas = 1)
class DirectoryRoutingTests {

	private static final String[] DIRECTORY = { "shardline.directory.enabled=true", "shardline.directory.cache-ttl=1s",
			"shardline.directory.table=dir_routing_test" };

	@Test
	void pinsOverrideTheRingForThisAndOtherInstances(MySqlTopology topology) {
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			long customer = customersOn(topology, "shard-0", 1, 100_000_000 + (System.nanoTime() % 1000) * 100).get(0);
			LedgerStore ledger = a.getBean(LedgerStore.class);
			String first = UUID.randomUUID().toString();
			ledger.add(customer, first, 1);
			assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer)).containsExactly(first);
			ShardRouting other = b.getBean(ShardRouting.class);
			assertThat(other.shardFor(customer)).isEqualTo("shard-0");

			DirectoryEntry pinned = a.getBean(ShardDirectory.class).pin(customer, "shard-1");
			assertThat(pinned.shard()).isEqualTo("shard-1");
			// This instance: at once (its cache entry was invalidated).
			String second = UUID.randomUUID().toString();
			ledger.add(customer, second, 2);
			assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), customer)).containsExactly(second);
			// The other instance: within its cache TTL.
			await().atMost(Duration.ofSeconds(1).plusSeconds(2)).until(() -> other.shardFor(customer).equals("shard-1"));
			ShardlineEndpoint endpoint = new ShardlineEndpoint(a.getBean(ShardRouter.class), a.getBean(ShardingStrategy.class),
					a.getBean(RoutingStatistics.class), a.getBean(ReplicationMonitor.class), a.getBean(ShardDirectory.class));
			@SuppressWarnings("unchecked")
			Map<String, Object> figures = (Map<String, Object>) endpoint.overview().get("directory");
			assertThat((Long) figures.get("size")).isPositive();
			assertThat((Double) figures.get("cacheHitRatio")).isBetween(0.0, 1.0);
		}
	}

	@Test
	void concurrentFirstWritesRecordOneOwner(MySqlTopology topology) throws Exception {
		String[] assigning = { "shardline.directory.enabled=true", "shardline.directory.cache-ttl=1s",
				"shardline.directory.table=dir_assign_test", "shardline.directory.assign-on-first-write=true" };
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, assigning);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class, assigning)) {
			ShardDirectory da = a.getBean(ShardDirectory.class);
			ShardDirectory db = b.getBean(ShardDirectory.class);
			long base = 200_000_000 + (System.nanoTime() % 1000) * 1000;
			for (long key = base; key < base + 40; key++) {
				long k = key;
				CyclicBarrier start = new CyclicBarrier(2);
				CompletableFuture<DirectoryEntry> fromA = CompletableFuture.supplyAsync(() -> {
					arrive(start);
					return da.assign(k, "shard-0");
				});
				CompletableFuture<DirectoryEntry> fromB = CompletableFuture.supplyAsync(() -> {
					arrive(start);
					return db.assign(k, "shard-1");
				});
				assertThat(fromA.get().shard()).as("key %d", k).isEqualTo(fromB.get().shard());
				assertThat(da.entry(k).orElseThrow().version()).isEqualTo(1);
			}
			// Through routing: the first write of a new key records the ring's choice.
			long fresh = customersOn(topology, "shard-1", 1, base + 1000).get(0);
			a.getBean(LedgerStore.class).add(fresh, UUID.randomUUID().toString(), 5);
			assertThat(da.entry(fresh).orElseThrow().shard()).isEqualTo("shard-1");
		}
	}

	private static void arrive(CyclicBarrier barrier) {
		try {
			barrier.await();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
