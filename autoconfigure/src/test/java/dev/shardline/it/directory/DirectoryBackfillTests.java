package dev.shardline.it.directory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A directory backfill records every existing key with the shard its rows are on — batched,
 * resumable, and correct for keys first written while it runs — and a changed ring is reported
 * (or refused) at start-up until the keys are recorded.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
@ExtendWith(OutputCaptureExtension.class)
class DirectoryBackfillTests {

	private static String[] settings(String table, boolean assign, String... more) {
		String[] base = { "shardline.directory.enabled=true", "shardline.directory.table=" + table,
				"shardline.directory.move-tables.ledger=customer_id", "shardline.replication.check-interval=250ms",
				"shardline.directory.assign-on-first-write=" + assign, "shardline.directory.backfill-batch-keys=50" };
		return java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more))
			.toArray(String[]::new);
	}

	@Test
	void backfillRecordsEveryKeyWhileTheApplicationWritesAndResumesAfterAStop(MySqlTopology topology)
			throws Exception {
		String table = "dir_backfill_a";
		// Keys written before the directory records anything: placed by the ring only.
		try (ConfigurableApplicationContext before = RoutedApplication.start(topology, JdbcApp.class,
				settings(table, false))) {
			LedgerStore ledger = before.getBean(LedgerStore.class);
			for (long key = 800_000_000; key < 800_000_300; key++) {
				ledger.add(key, UUID.randomUUID().toString(), 1);
				ledger.add(key, UUID.randomUUID().toString(), 2);
			}
		}
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, settings(table, true));
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class,
						settings(table, true))) {
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicInteger written = new AtomicInteger();
			Map<Long, Boolean> created = new ConcurrentHashMap<>();
			ExecutorService writer = Executors.newSingleThreadExecutor();
			LedgerStore ledgerB = b.getBean(LedgerStore.class);
			writer.execute(() -> {
				long next = 800_100_000;
				while (running.get()) {
					// New keys (first written during the backfill) and existing ones.
					ledgerB.add(next, UUID.randomUUID().toString(), 3);
					created.put(next++, true);
					ledgerB.add(800_000_000 + written.getAndIncrement() % 300, UUID.randomUUID().toString(), 4);
				}
			});
			DirectoryBackfill backfill = a.getBean(DirectoryBackfill.class);
			AtomicInteger batches = new AtomicInteger();
			assertThatThrownBy(() -> backfill.run((progress) -> {
				if (batches.incrementAndGet() == 3) {
					throw new IllegalStateException("simulated stop");
				}
			})).hasMessageContaining("simulated stop");
			assertThat(backfill.progress().complete()).isFalse();
			long seenBeforeResume = backfill.progress().keysSeen();
			assertThat(seenBeforeResume).isPositive();
			// Resumed (here on the other instance): it continues where it stopped.
			DirectoryBackfill.Progress done = b.getBean(DirectoryBackfill.class).run((progress) -> {
			});
			assertThat(done.complete()).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> written.get() > 50);
			running.set(false);
			writer.shutdown();
			assertThat(writer.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

			Map<Long, String> rowsOn = keysByShard(topology);
			assertThat(rowsOn).hasSizeGreaterThanOrEqualTo(300 + created.size());
			ShardDirectory directory = a.getBean(ShardDirectory.class);
			for (Map.Entry<Long, String> key : rowsOn.entrySet()) {
				DirectoryEntry entry = directory.entry(key.getKey()).orElse(null);
				assertThat(entry).as("entry of key %s", key.getKey()).isNotNull();
				assertThat(entry.shard()).as("entry of key %s", key.getKey()).isEqualTo(key.getValue());
			}
		}
	}

	@Test
	void backfillRefusesWhileAnInstanceDoesNotRecordNewKeys(MySqlTopology topology) {
		String table = "dir_backfill_b";
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, settings(table, true));
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class,
						settings(table, false))) {
			String laggard = b.getBean(DirectorySync.class).instanceId();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
					() -> a.getBean(DirectoryBackfill.class).run((progress) -> {
					}))
				.isInstanceOf(ShardlineException.class)
				.hasMessageContaining(laggard)
				.hasMessageContaining("assign-on-first-write"));
		}
	}

	@Test
	void aChangedRingIsReportedOrRefusedUntilTheKeysAreRecorded(MySqlTopology topology, CapturedOutput output) {
		String table = "dir_placement";
		try (ConfigurableApplicationContext first = RoutedApplication.start(topology, JdbcApp.class,
				settings(table, true))) {
			first.getBean(LedgerStore.class).add(810_000_000L, UUID.randomUUID().toString(), 1);
		}
		String reweighted = "shardline.shards.shard-1.weight=2";
		try (ConfigurableApplicationContext changed = RoutedApplication.start(topology, JdbcApp.class,
				settings(table, true, reweighted))) {
			assertThat(output).contains("The sharding strategy changed from [ring virtual-nodes=4000 shard-0:1 shard-1:1]"
					+ " to [ring virtual-nodes=4000 shard-0:1 shard-1:2]");
		}
		assertThatThrownBy(() -> RoutedApplication.start(topology, JdbcApp.class,
				settings(table, true, reweighted, "shardline.directory.refuse-unrecorded-placement-change=true")))
			.hasStackTraceContaining("refuse-unrecorded-placement-change");
		// Back on the old ring, record every key; then the new ring is fine.
		try (ConfigurableApplicationContext old = RoutedApplication.start(topology, JdbcApp.class,
				settings(table, true))) {
			assertThat(old.getBean(DirectoryBackfill.class).run((progress) -> {
			}).complete()).isTrue();
		}
		try (ConfigurableApplicationContext changed = RoutedApplication.start(topology, JdbcApp.class,
				settings(table, true, reweighted, "shardline.directory.refuse-unrecorded-placement-change=true"))) {
			assertThat(changed.getBean(ShardDirectory.class).entry(810_000_000L)).isPresent();
		}
	}

	/** Every ledger key and the shard whose primary holds its rows, read from the servers. */
	private static Map<Long, String> keysByShard(MySqlTopology topology) throws SQLException {
		Map<Long, String> keys = new HashMap<>();
		for (TopologyShard shard : topology.shards()) {
			TopologyNode primary = shard.primary();
			try (Connection connection = primary.openConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery(
							"SELECT DISTINCT customer_id FROM ledger WHERE customer_id BETWEEN 800000000 AND 809999999")) {
				while (rs.next()) {
					String previous = keys.put(rs.getLong(1), shard.name());
					assertThat(previous).as("key %s on two shards", rs.getLong(1)).isNull();
				}
			}
		}
		return keys;
	}

}
