package dev.shardline.it.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveFailedException;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Batch moves (many keys in one copy, fence and flip round, what a rebalance runs): under writes
 * from two instances every acknowledged change of every key ends up on the target exactly once;
 * a batch that fails rolls back as a whole; a batch mover that crashes at any step leaves every
 * key with one consistent owner; bad batches are refused before anything is marked.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class BatchMoveTests {

	@Test
	void aBatchUnderWritesFromTwoInstancesLosesNothing(MySqlTopology topology) throws Exception {
		List<Long> customers = customersOn(topology, "shard-0", 42, 500_000_000);
		List<Long> batch = customers.subList(0, 40);
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, KeyMoveTests.DIRECTORY);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class,
						KeyMoveTests.DIRECTORY)) {
			LedgerStore ledgerA = a.getBean(LedgerStore.class);
			Map<Long, Map<String, Long>> expected = new HashMap<>();
			for (long customer : batch) {
				expected.put(customer, new HashMap<>());
				for (int i = 0; i < 25; i++) {
					String id = UUID.randomUUID().toString();
					ledgerA.add(customer, id, i);
					expected.get(customer).put(id, (long) i);
				}
			}
			// Half the keys are recorded in the directory first, half are placed by the ring alone.
			for (long customer : batch.subList(0, 20)) {
				a.getBean(ShardDirectory.class).pin(customer, "shard-0");
			}
			long loaded = batch.get(0);
			Set<String> baseline = expected.get(loaded).keySet();
			await().atMost(Duration.ofSeconds(20)).until(() -> ledgerA.ids(loaded).containsAll(baseline));
			MoveLoad load = new MoveLoad(loaded, new HashSet<>(baseline));
			KeyMover.BatchReport report;
			try (load) {
				load.start(ledgerA, customers.get(40));
				load.start(b.getBean(LedgerStore.class), customers.get(41));
				await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.get() > 200);
				report = a.getBean(KeyMover.class).moveBatch(batch, "shard-1");
				long afterMove = load.acknowledged.get();
				await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.get() > afterMove + 200);
			}
			System.out.printf("batch move under load: %d keys, %d rows, write pause %d ms, in %d ms%n",
					report.keys().size(), report.rows(), report.writePause().toMillis(), report.duration().toMillis());
			assertThat(report.keys()).hasSize(40);
			assertThat(report.skipped()).isEmpty();
			assertThat(report.from()).isEqualTo("shard-0");
			assertThat(report.rows()).isGreaterThanOrEqualTo(40 * 25);
			assertThat(load.unexpected).as("unexpected errors of the moving key's writers and readers").isEmpty();
			assertThat(load.otherKeyErrors).as("errors writing other keys").isEmpty();
			assertThat(load.readMisses.get()).as("@ReadOnly reads that missed an acknowledged row").isZero();
			// The load's writers touch only rows they inserted: the baseline stays, plus what they acknowledged.
			expected.get(loaded).putAll(load.expected);
			ShardDirectory directory = a.getBean(ShardDirectory.class);
			long version = directory.entry(batch.get(0)).orElseThrow().version();
			for (long customer : batch) {
				assertThat(Ledgers.amounts(shard(topology, "shard-1").primary(), customer))
					.as("customer %d on the target: every acknowledged change exactly", customer)
					.isEqualTo(expected.get(customer));
				assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer))
					.as("customer %d left on the source", customer)
					.isEmpty();
				DirectoryEntry entry = directory.entry(customer).orElseThrow();
				assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
				assertThat(entry.shard()).isEqualTo("shard-1");
				assertThat(entry.version()).as("one epoch for the whole batch").isEqualTo(version);
			}
			assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), loaded))
				.doesNotContainAnyElementsOf(load.refusedIds);
			assertThat(a.getBean(KeyMover.class).history().count(MoveHistory.Outcome.MOVED)).isEqualTo(1);
		}
	}

	@Test
	void aBatchThatFailsRollsBackEveryKey(MySqlTopology topology) {
		List<Long> batch = customersOn(topology, "shard-0", 5, 510_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				KeyMoveTests.DIRECTORY)) {
			Map<Long, Set<String>> ids = rows(app, batch, 6);
			// A row of another customer on the target already uses one primary key of the last key.
			String clash = ids.get(batch.get(4)).iterator().next();
			execute(shard(topology, "shard-1").primary(),
					"INSERT INTO ledger (id, customer_id, amount) VALUES ('" + clash + "', 1, 1)");
			try {
				assertThatThrownBy(() -> KeyMoveTests.mover(app, null).moveBatch(batch, "shard-1"))
					.isInstanceOf(MoveFailedException.class)
					.hasMessageContaining("rolled back")
					.hasMessageContaining("every key stays on shard-0");
				for (long customer : batch) {
					assertOn(topology, app, customer, "shard-0", ids.get(customer));
				}
			}
			finally {
				execute(shard(topology, "shard-1").primary(), "DELETE FROM ledger WHERE id = '" + clash + "'");
			}
		}
	}

	@Test
	void aBatchMoverThatCrashesAtAnyStepIsRecoveredAsABatch(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				KeyMoveTests.DIRECTORY)) {
			List<KeyMover.Step> steps = List.of(KeyMover.Step.CLAIM, KeyMover.Step.COPY, KeyMover.Step.FENCE,
					KeyMover.Step.CATCH_UP, KeyMover.Step.FLIP, KeyMover.Step.SWEEP, KeyMover.Step.DONE);
			List<Long> customers = customersOn(topology, "shard-0", steps.size() * 3, 520_000_000);
			int i = 0;
			for (KeyMover.Step crashAt : steps) {
				List<Long> batch = customers.subList(i, i + 3);
				i += 3;
				Map<Long, Set<String>> ids = rows(app, batch, 4);
				KeyMover crashing = KeyMoveTests.mover(app, (step, key) -> {
					if (step == crashAt) {
						throw new KeyMoveTests.SimulatedCrash(step);
					}
				});
				assertThatThrownBy(() -> crashing.moveBatch(batch, "shard-1"))
					.isInstanceOf(KeyMoveTests.SimulatedCrash.class);
				List<String> recovered = KeyMoveTests.mover(app, null).recoverInterruptedMoves(Duration.ZERO);
				for (long customer : batch) {
					assertThat(recovered).as("crash before %s", crashAt).contains("l:" + customer);
					String owner = (crashAt.ordinal() <= KeyMover.Step.FLIP.ordinal()) ? "shard-0" : "shard-1";
					assertOn(topology, app, customer, owner, ids.get(customer));
				}
			}
		}
	}

	@Test
	void badBatchesAreRefusedBeforeAnythingIsMarked(MySqlTopology topology) {
		List<Long> onZero = customersOn(topology, "shard-0", 2, 530_000_000);
		List<Long> onOne = customersOn(topology, "shard-1", 1, 530_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				KeyMoveTests.DIRECTORY)) {
			KeyMover mover = app.getBean(KeyMover.class);
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			assertThatThrownBy(() -> mover.moveBatch(List.of(), "shard-1")).isInstanceOf(IllegalArgumentException.class);
			assertThatThrownBy(() -> mover.moveBatch(List.of(onZero.get(0), onZero.get(0)), "shard-1"))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("distinct");
			directory.pin(onOne.get(0), "shard-1");
			// A key already on the target is skipped; the others move.
			Map<Long, Set<String>> ids = rows(app, onZero, 3);
			KeyMover.BatchReport report = mover.moveBatch(List.of(onZero.get(0), onOne.get(0), onZero.get(1)),
					"shard-1");
			assertThat(report.skipped()).containsExactly("l:" + onOne.get(0));
			assertThat(report.keys()).containsExactly("l:" + onZero.get(0), "l:" + onZero.get(1));
			for (long customer : onZero) {
				assertOn(topology, app, customer, "shard-1", ids.get(customer));
			}
			// A key whose move is in flight makes the batch refuse before anything else is marked.
			List<Long> more = customersOn(topology, "shard-0", 2, 531_000_000);
			rows(app, more, 2);
			KeyMover stuck = KeyMoveTests.mover(app, (step, key) -> {
				if (step == KeyMover.Step.COPY) {
					throw new KeyMoveTests.SimulatedCrash(step);
				}
			});
			assertThatThrownBy(() -> stuck.move(more.get(0), "shard-1")).isInstanceOf(KeyMoveTests.SimulatedCrash.class);
			assertThatThrownBy(() -> mover.moveBatch(more, "shard-1")).isInstanceOf(ShardlineException.class)
				.hasMessageContaining("already being moved");
			assertThat(directory.entry(more.get(1))).as("nothing marked").isEmpty();
			mover.recoverInterruptedMoves(Duration.ZERO);
		}
	}

	@Test
	void theSourcesRowsAreDeletedInStatementsOfMoveBatchRows(MySqlTopology topology) {
		List<Long> batch = customersOn(topology, "shard-0", 3, 540_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				KeyMoveTests.DIRECTORY)) {
			Map<Long, Set<String>> ids = rows(app, batch, 10);
			KeyMover mover = KeyMoveTests.mover(app, null, 7);
			TopologyNode source = shard(topology, "shard-0").primary();
			long before = comDelete(source);
			mover.moveBatch(batch, "shard-1");
			// 30 rows, at most 7 a statement: at least 5 DELETEs (one statement would hold every row's
			// lock at once and replicate as one event)
			assertThat(comDelete(source) - before).as("DELETE statements on the source").isGreaterThanOrEqualTo(5);
			for (long customer : batch) {
				assertOn(topology, app, customer, "shard-1", ids.get(customer));
			}
		}
	}

	@Test
	void aMoverThatDiesBetweenTheSweepsStatementsIsFinishedByRecovery(MySqlTopology topology) {
		List<Long> batch = customersOn(topology, "shard-0", 3, 550_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				KeyMoveTests.DIRECTORY)) {
			Map<Long, Set<String>> ids = rows(app, batch, 10);
			int[] sweeps = { 0 };
			KeyMover dying = KeyMoveTests.mover(app, (step, key) -> {
				if (step == KeyMover.Step.SWEEP && ++sweeps[0] == 3) {
					throw new KeyMoveTests.SimulatedCrash(step);
				}
			}, 7);
			assertThatThrownBy(() -> dying.moveBatch(batch, "shard-1")).isInstanceOf(KeyMoveTests.SimulatedCrash.class);
			// two statements of at most 7 rows ran: the source holds part of the keys' rows
			long left = batch.stream().mapToLong((customer) -> Ledgers.ids(shard(topology, "shard-0").primary(), customer).size()).sum();
			assertThat(left).isBetween(1L, 29L);
			List<String> recovered = KeyMoveTests.mover(app, null).recoverInterruptedMoves(Duration.ZERO);
			for (long customer : batch) {
				assertThat(recovered).contains("l:" + customer);
				assertOn(topology, app, customer, "shard-1", ids.get(customer));
			}
		}
	}

	private static long comDelete(TopologyNode node) {
		try (Connection connection = node.openAdminConnection(); Statement statement = connection.createStatement();
				java.sql.ResultSet rs = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'Com_delete'")) {
			rs.next();
			return rs.getLong(2);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Map<Long, Set<String>> rows(ConfigurableApplicationContext app, List<Long> customers, int count) {
		LedgerStore ledger = app.getBean(LedgerStore.class);
		Map<Long, Set<String>> ids = new HashMap<>();
		for (long customer : customers) {
			Set<String> rows = new HashSet<>();
			for (int i = 0; i < count; i++) {
				String id = UUID.randomUUID().toString();
				ledger.add(customer, id, i);
				rows.add(id);
			}
			ids.put(customer, rows);
		}
		return ids;
	}

	/** The key is ACTIVE on its owner with exactly its rows there, none on the other, and writable. */
	private static void assertOn(MySqlTopology topology, ConfigurableApplicationContext app, long customer,
			String owner, Set<String> ids) {
		String other = owner.equals("shard-0") ? "shard-1" : "shard-0";
		DirectoryEntry entry = app.getBean(ShardDirectory.class).entry(customer).orElseThrow();
		assertThat(entry.state()).as("customer %d", customer).isEqualTo(DirectoryEntry.State.ACTIVE);
		assertThat(entry.shard()).as("customer %d", customer).isEqualTo(owner);
		assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).as("customer %d on %s", customer, owner)
			.containsExactlyInAnyOrderElementsOf(ids);
		assertThat(Ledgers.ids(shard(topology, other).primary(), customer)).as("customer %d on %s", customer, other)
			.isEmpty();
		String after = UUID.randomUUID().toString();
		await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
			app.getBean(LedgerStore.class).add(customer, after, 9);
			return true;
		});
		assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).contains(after);
		ids.add(after);
	}

	private static void execute(TopologyNode node, String... statements) {
		try (Connection connection = node.openAdminConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
