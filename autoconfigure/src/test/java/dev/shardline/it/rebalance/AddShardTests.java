package dev.shardline.it.rebalance;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.shardline.directory.DirectoryBackfill;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.rebalance.PlanState;
import dev.shardline.rebalance.RebalanceProgress;
import dev.shardline.rebalance.Rebalancer;
import dev.shardline.ring.HashRing;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adding a shard to a running application, end to end on real replicated servers: keys placed by
 * a two-shard ring (not in the directory), two instances writing and reading every key
 * throughout; backfill; a rolling restart that configures the third shard as draining (it takes no
 * new keys; instances on the old ring and on the new one write at once), another that puts it in
 * the ring; a rebalance planned and started by an instance in a process of its own, killed with
 * {@code kill -9} midway, and finished by the other instance. Afterwards every key is on its
 * planned owner with every acknowledged row exactly once, no refused write exists, no primary
 * read missed a row acknowledged before it began, and writes of keys not being moved never failed.
 *
 * <p>Size: {@code -Dshardline.rebalance.it.keys} keys of {@code -Dshardline.rebalance.it.rows}
 * rows (CI: 600 × 5; the full run: 20,000 × 10).
 */
@RealTopology(shards = 3, replicas = 1, fresh = true)
class AddShardTests {

	private static final int KEYS = Integer.getInteger("shardline.rebalance.it.keys", 600);

	private static final int ROWS = Integer.getInteger("shardline.rebalance.it.rows", 5);

	private static final long FIRST_KEY = 900_000_000L;

	private static final long FIRST_NEW_KEY = 950_000_000L;

	private static final List<String> TWO = List.of("shard-0", "shard-1");

	private static final List<String> THREE = List.of("shard-0", "shard-1", "shard-2");

	private static final String[] SETTINGS = { "shardline.directory.enabled=true",
			"shardline.directory.move-tables.ledger=customer_id", "shardline.directory.assign-on-first-write=true",
			"shardline.replication.check-interval=250ms", "shardline.directory.move-stale-after=5s",
			"shardline.rebalance.lease=3s", "shardline.rebalance.batch-rows=" + Math.max(500, KEYS * ROWS / 20),
			// enough batches that the kill falls while keys are still pending, however fast the machine
			"shardline.rebalance.batch-keys=" + Math.max(20, Math.min(500, KEYS / 30)),
			"shardline.hikari.maximum-pool-size=8",
			// a loaded 2-core machine can take seconds to accept a connection (no node dies here)
			"shardline.replication.connect-timeout=10s" };

	@Test
	void twoToThreeShardsUnderLoadSurvivingAKilledRebalancer(MySqlTopology topology) throws Exception {
		HashRing two = ring(TWO);
		HashRing three = ring(THREE);
		List<Long> keys = seed(topology, two);
		topology.awaitReplicationCaughtUp();
		ConfigurableApplicationContext a = RoutedApplication.startOn(topology, TWO, JdbcApp.class, SETTINGS);
		ConfigurableApplicationContext b = RoutedApplication.startOn(topology, TWO, JdbcApp.class, SETTINGS);
		Process rebalancing = null;
		KeyspaceLoad load = new KeyspaceLoad(keys, ROWS, FIRST_NEW_KEY);
		try {
			AtomicReference<LedgerStore> slotA = load.start(a.getBean(LedgerStore.class), 1, 1);
			AtomicReference<LedgerStore> slotB = load.start(b.getBean(LedgerStore.class), 1, 1);
			awaitWrites(load, 200);

			// 1. Backfill: every existing key recorded with the shard its rows are on.
			DirectoryBackfill.Progress backfill = a.getBean(DirectoryBackfill.class).run((progress) -> {
			});
			assertThat(backfill.complete()).isTrue();

			// 2. Rolling restart with shard-2 configured but taking no new keys (draining): instances
			// on the old ring and on the new one write at once and place new keys alike.
			a = restart(a, slotA, topology, THREE, "shardline.rebalance.draining=shard-2");
			awaitWrites(load, 300);
			b = restart(b, slotB, topology, THREE, "shardline.rebalance.draining=shard-2");
			awaitWrites(load, 200);
			// 3. Rolling restart onto the new ring: every instance knows shard-2 by now.
			a = restart(a, slotA, topology, THREE);
			awaitWrites(load, 300);
			b = restart(b, slotB, topology, THREE);
			awaitWrites(load, 200);

			// 4. Plan and start in an instance of its own; kill it midway; b finishes the plan.
			rebalancing = launch(topology);
			Rebalancer survivor = b.getBean(Rebalancer.class);
			await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
				RebalanceProgress progress = survivor.progress();
				return progress.state() == PlanState.RUNNING && progress.keysTotal() > 0
						&& progress.keysDone() >= progress.keysTotal() / 3;
			});
			RebalanceProgress atKill = survivor.progress();
			rebalancing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
			System.out.printf("rebalance: killed the rebalancing instance at %d of %d keys%n", atKill.keysDone(),
					atKill.keysTotal());
			assertThat(atKill.keysDone()).isLessThan(atKill.keysTotal());
			await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
				.until(() -> survivor.progress().state() == PlanState.DONE);
			RebalanceProgress done = survivor.progress();
			System.out.printf("rebalance: %d keys, %d rows done, %d failed; load: %d writes, %d refused, %d primary "
					+ "reads (%d refused), %d replica reads%n", done.keysDone(), done.rowsDone(), done.keysFailed(),
					load.writes.get(), load.refusals.get(), load.primaryReads.get(), load.refusedReads.get(),
					load.replicaReads.get());
			assertThat(done.keysFailed()).isZero();
			assertThat(done.keysDone()).isEqualTo(done.keysTotal());
			awaitWrites(load, 200);
		}
		finally {
			load.close();
			if (rebalancing != null) {
				rebalancing.destroyForcibly();
			}
		}
		try {
			assertThat(load.errors).as("errors of writes and reads (other than refusals of moving keys)").isEmpty();
			assertThat(load.misses).as("reads that missed an acknowledged (or seeded) row").isEmpty();
			Map<Long, Map<String, List<String>>> rows = rowsByKey(topology);
			ShardDirectory directory = a.getBean(ShardDirectory.class);
			int onShard2 = 0;
			for (long key : load.keys()) {
				Map<String, List<String>> where = rows.getOrDefault(key, Map.of());
				Set<String> expected = load.expected(key);
				if (expected.isEmpty() && where.isEmpty()) {
					continue; // a new key whose only write was refused
				}
				DirectoryEntry entry = directory.entry(key).orElseThrow();
				assertThat(entry.state()).as("key %d", key).isEqualTo(DirectoryEntry.State.ACTIVE);
				assertThat(entry.shard()).as("key %d on its planned owner", key).isEqualTo(three.shardFor(key));
				assertThat(where.keySet()).as("key %d: rows on exactly one shard, its owner", key)
					.containsExactly(entry.shard());
				List<String> ids = where.get(entry.shard());
				assertThat(ids).as("key %d: no row twice", key).doesNotHaveDuplicates();
				List<String> unexplained = new ArrayList<>(ids);
				unexplained.removeAll(expected);
				unexplained.removeAll(load.uncertainIds);
				assertThat(unexplained).as("key %d: rows nobody acknowledged", key).isEmpty();
				assertThat(ids).as("key %d: every acknowledged row", key).containsAll(expected);
				assertThat(ids).as("key %d: no refused write", key).doesNotContainAnyElementsOf(load.refusedIds);
				onShard2 += entry.shard().equals("shard-2") ? 1 : 0;
			}
			assertThat(onShard2).as("keys the new shard took").isGreaterThan(load.keys().size() / 5);
		}
		finally {
			a.close();
			b.close();
		}
	}

	private static HashRing ring(List<String> shards) {
		Map<String, Integer> weights = new LinkedHashMap<>();
		shards.forEach((shard) -> weights.put(shard, 1));
		return new HashRing(weights);
	}

	/** Writes the seeded rows straight to the two-shard ring's owners (keys the directory has never seen). */
	private static List<Long> seed(MySqlTopology topology, HashRing two) throws SQLException {
		List<Long> keys = new ArrayList<>();
		Map<String, List<String>> values = new HashMap<>();
		for (long key = FIRST_KEY; key < FIRST_KEY + KEYS; key++) {
			keys.add(key);
			for (int row = 0; row < ROWS; row++) {
				values.computeIfAbsent(two.shardFor(key), (s) -> new ArrayList<>())
					.add("('" + KeyspaceLoad.seededId(key, row) + "', " + key + ", " + row + ")");
			}
		}
		for (Map.Entry<String, List<String>> shard : values.entrySet()) {
			TopologyNode primary = topology.shard(Integer.parseInt(shard.getKey().substring(6))).primary();
			try (Connection connection = primary.openConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS ledger (id VARCHAR(36) PRIMARY KEY, customer_id BIGINT "
						+ "NOT NULL, amount BIGINT NOT NULL, created_at TIMESTAMP(6) NOT NULL DEFAULT "
						+ "CURRENT_TIMESTAMP(6), INDEX ledger_customer (customer_id))");
				List<String> rows = shard.getValue();
				for (int from = 0; from < rows.size(); from += 2000) {
					statement.execute("INSERT INTO ledger (id, customer_id, amount) VALUES "
							+ String.join(", ", rows.subList(from, Math.min(rows.size(), from + 2000))));
				}
			}
		}
		return keys;
	}

	private static void awaitWrites(KeyspaceLoad load, long more) {
		long from = load.writes.get();
		await().atMost(Duration.ofMinutes(1)).until(() -> load.writes.get() >= from + more);
	}

	/** A rolling restart of one instance while the load keeps running on the others. */
	private static ConfigurableApplicationContext restart(ConfigurableApplicationContext old,
			AtomicReference<LedgerStore> slot, MySqlTopology topology, List<String> shards, String... more) {
		slot.set(null);
		old.close();
		List<String> settings = new ArrayList<>(List.of(SETTINGS));
		settings.addAll(List.of(more));
		ConfigurableApplicationContext started = RoutedApplication.startOn(topology, shards, JdbcApp.class,
				settings.toArray(String[]::new));
		slot.set(started.getBean(LedgerStore.class));
		return started;
	}

	/** Starts the rebalancing instance in a JVM of its own; returns once it runs the plan. */
	private static Process launch(MySqlTopology topology) throws Exception {
		List<String> command = new ArrayList<>(List.of(
				System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				RebalancingInstance.class.getName()));
		RoutedApplication.properties(topology, THREE, SETTINGS)
			.forEach((name, value) -> command.add(name + "=" + value));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<String> started = new CompletableFuture<>();
		StringBuilder log = new StringBuilder();
		Thread reader = new Thread(() -> {
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = out.readLine()) != null) {
					synchronized (log) {
						log.append(line).append('\n');
					}
					if (line.startsWith("STARTED ")) {
						started.complete(line);
					}
				}
			}
			catch (Exception ex) {
				// the process was killed
			}
			started.completeExceptionally(new IllegalStateException("The rebalancing instance ended:\n" + log));
		}, "rebalancing-instance-output");
		reader.setDaemon(true);
		reader.start();
		started.get(3, TimeUnit.MINUTES);
		return process;
	}

	/** Every ledger row on every primary: key to shard to row ids. */
	private static Map<Long, Map<String, List<String>>> rowsByKey(MySqlTopology topology) throws SQLException {
		Map<Long, Map<String, List<String>>> rows = new HashMap<>();
		for (String shard : THREE) {
			TopologyNode primary = topology.shard(Integer.parseInt(shard.substring(6))).primary();
			try (Connection connection = primary.openConnection();
					PreparedStatement statement = connection.prepareStatement("SELECT customer_id, id FROM ledger");
					ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.computeIfAbsent(rs.getLong(1), (k) -> new HashMap<>())
						.computeIfAbsent(shard, (s) -> new ArrayList<>())
						.add(rs.getString(2));
				}
			}
		}
		return rows;
	}

}
