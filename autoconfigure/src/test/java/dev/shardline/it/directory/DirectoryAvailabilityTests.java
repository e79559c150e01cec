package dev.shardline.it.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.shardline.directory.DirectoryUnavailableException;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The directory is not a single point of failure: with the directory's primary (shard-0's)
 * killed or frozen, keys living on shard-1 keep being written and read — from cached entries
 * and shard-0's replica — and no look-up waits longer than connect-timeout; changes of entries
 * fail fast; a promoted replica takes the directory over without a restart.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectoryAvailabilityTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final String[] DIRECTORY = { "shardline.directory.enabled=true",
			"shardline.directory.move-tables.ledger=customer_id", "shardline.replication.check-interval=250ms",
			"shardline.replication.connect-timeout=1s", "shardline.directory.cache-ttl=1s" };

	@Test
	void killedDirectoryPrimaryStopsNoOtherShard(MySqlTopology topology) throws Exception {
		TopologyNode directoryPrimary = shard(topology, "shard-0").primary();
		List<Long> pinned = customersOn(topology, "shard-0", 20, 500_000_000);
		List<Long> ringOnShard1 = customersOn(topology, "shard-1", 20, 500_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			// Keys the ring would put on shard-0, pinned to shard-1: only the directory knows them.
			for (long key : pinned) {
				directory.pin(key, "shard-1");
				ledger.add(key, UUID.randomUUID().toString(), 1);
			}
			awaitReplicaHasDirectory(topology, directory);
			directoryPrimary.kill();
			try {
				// Half the keys cached, half not: the rest are answered by shard-0's replica.
				directory.invalidateAll();
				for (int i = 0; i < pinned.size(); i += 2) {
					directory.lookup(pinned.get(i));
				}
				int writes = 0;
				for (int round = 0; round < 3; round++) {
					for (long key : pinned) {
						long started = System.nanoTime();
						ledger.add(key, UUID.randomUUID().toString(), 2);
						assertThat(ledger.ids(key)).isNotEmpty();
						assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a write and a read of " + key)
							.isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
						writes++;
					}
					for (long key : ringOnShard1) {
						ledger.add(key, UUID.randomUUID().toString(), 2);
						writes++;
					}
				}
				assertThat(writes).isEqualTo(3 * (pinned.size() + ringOnShard1.size()));
				for (long key : pinned) {
					assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), key)).hasSize(4);
				}
				assertThat(directory.replicaAnswers()).as("look-ups answered by the directory's replica").isPositive();
				// Changes need the primary: they fail fast, with a clear message.
				long started = System.nanoTime();
				assertThatThrownBy(() -> directory.pin(ringOnShard1.get(0), "shard-0"))
					.isInstanceOf(DirectoryUnavailableException.class)
					.hasMessageContaining("cannot be changed");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(directoryHealth(app)).isEqualTo(Status.DOWN));
			}
			finally {
				directoryPrimary.restart();
			}
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
				directory.pin(ringOnShard1.get(0), "shard-1");
				assertThat(directoryHealth(app)).isEqualTo(Status.UP);
			});
		}
	}

	@Test
	void frozenDirectoryPrimaryDelaysNoLookUpBeyondConnectTimeout(MySqlTopology topology) throws Exception {
		TopologyNode directoryPrimary = shard(topology, "shard-0").primary();
		List<Long> pinned = customersOn(topology, "shard-0", 4, 600_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			for (long key : pinned) {
				directory.pin(key, "shard-1");
				ledger.add(key, UUID.randomUUID().toString(), 1);
			}
			awaitReplicaHasDirectory(topology, directory);
			directoryPrimary.freeze();
			ExecutorService threads = Executors.newFixedThreadPool(8);
			try {
				directory.invalidateAll();
				// Eight threads on one hot key and the others, none of them cached.
				List<Future<Long>> calls = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					long key = pinned.get(i % pinned.size());
					calls.add(threads.submit(() -> {
						long worst = 0;
						for (int n = 0; n < 5; n++) {
							long started = System.nanoTime();
							ledger.add(key, UUID.randomUUID().toString(), 2);
							worst = Math.max(worst, System.nanoTime() - started);
						}
						return worst;
					}));
				}
				for (Future<Long> call : calls) {
					assertThat(Duration.ofNanos(call.get(60, TimeUnit.SECONDS)))
						.as("the slowest write of a key on shard-1 while the directory's primary is frozen")
						.isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
				}
			}
			finally {
				threads.shutdownNow();
				directoryPrimary.thaw();
			}
		}
	}

	@Test
	@Order(Integer.MAX_VALUE) // leaves shard-0 on its promoted replica
	void aPromotedReplicaTakesTheDirectoryOverWithoutARestart(MySqlTopology topology) {
		TopologyNode oldPrimary = shard(topology, "shard-0").primary();
		TopologyNode replica = shard(topology, "shard-0").replicas().get(0);
		long key = customersOn(topology, "shard-1", 1, 700_000_000).get(0);
		String[] properties = java.util.stream.Stream
			.concat(java.util.Arrays.stream(DIRECTORY), java.util.stream.Stream.of("shardline.replication.discover-primary=true"))
			.toArray(String[]::new);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, properties)) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			directory.pin(key, "shard-0");
			oldPrimary.kill();
			topology.promote(topology.shard(0), replica);
			// Changes resume on the promoted node once the monitor has seen it: no restart.
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
				assertThat(directory.pin(key, "shard-1").shard()).isEqualTo("shard-1");
			});
			LedgerStore ledger = app.getBean(LedgerStore.class);
			String id = UUID.randomUUID().toString();
			ledger.add(key, id, 1);
			assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), key)).contains(id);
		}
	}

	private static void awaitReplicaHasDirectory(MySqlTopology topology, ShardDirectory directory) {
		TopologyNode replica = shard(topology, "shard-0").replicas().get(0);
		await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
			try (var connection = replica.openConnection();
					var statement = connection.createStatement();
					var rs = statement.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM " + directory.table() + "_log")) {
				rs.next();
				return rs.getLong(1) >= directory.seenSeq();
			}
		});
	}

	private static Status directoryHealth(ConfigurableApplicationContext app) {
		CompositeHealthContributor shardline = app.getBean("shardlineHealthContributor", CompositeHealthContributor.class);
		return ((HealthIndicator) shardline.getContributor("directory")).health().getStatus();
	}

}
