package dev.shardline.it.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.shardline.ShardMovingException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectorySync;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.RebalancePlanner;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Online key moves on a real replicated topology: while two application instances insert,
 * update and delete the key's rows, write other keys and read the key from replicas, every
 * acknowledged change ends up on the target exactly once and nothing on the source; a mover that
 * crashes at any step, or stalls and wakes after a takeover, leaves one consistent owner; an
 * instance frozen across the cut-over cannot write the old owner.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class KeyMoveTests {

	static final String[] DIRECTORY = { "shardline.directory.enabled=true",
			"shardline.directory.move-tables.ledger=customer_id", "shardline.replication.check-interval=250ms" };

	static KeyMover mover(ConfigurableApplicationContext app, KeyMover.StepListener listener) {
		return mover(app, listener, 500);
	}

	static KeyMover mover(ConfigurableApplicationContext app, KeyMover.StepListener listener, int batchRows) {
		return new KeyMover(app.getBean(ShardDirectory.class), app.getBean(DirectorySync.class),
				app.getBean(ShardRouter.class), Map.of("ledger", "customer_id"),
				new KeyMover.Settings(Duration.ofSeconds(5), Duration.ofSeconds(30), batchRows), null, listener);
	}

	@Test
	void moveUnderInsertsUpdatesAndDeletesFromTwoInstancesLosesNothing(MySqlTopology topology) throws Exception {
		List<Long> customers = customersOn(topology, "shard-0", 3, 300_000_000);
		long customer = customers.get(0);
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			LedgerStore ledgerA = a.getBean(LedgerStore.class);
			Set<String> baseline = new HashSet<>();
			Map<String, Long> expected = new java.util.HashMap<>();
			for (int i = 0; i < 300; i++) {
				String id = UUID.randomUUID().toString();
				ledgerA.add(customer, id, i);
				baseline.add(id);
				expected.put(id, (long) i);
			}
			// Readers check that rows acknowledged before the load are always there: wait for the
			// replica to have them first.
			await().atMost(Duration.ofSeconds(20)).until(() -> ledgerA.ids(customer).containsAll(baseline));
			MoveLoad load = new MoveLoad(customer, baseline);
			try (load) {
				load.start(ledgerA, customers.get(1));
				load.start(b.getBean(LedgerStore.class), customers.get(2));
				await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.get() > 200);
				KeyMover.MoveReport report = a.getBean(KeyMover.class).move(customer, "shard-1");
				assertThat(report.from()).isEqualTo("shard-0");
				assertThat(report.rows()).isGreaterThanOrEqualTo(300);
				long afterMove = load.acknowledged.get();
				await().atMost(Duration.ofSeconds(20)).until(() -> load.acknowledged.get() > afterMove + 200);
				System.out.printf("key move under load: %d rows, write pause (mover) %d ms, longest refused stretch "
						+ "(client) %d ms, %d refusals, %d reads%n", report.rows(), report.writePause().toMillis(),
						load.longestPauseMillis(), load.refusals.get(), load.reads.get());
				assertThat(report.writePause()).isLessThan(Duration.ofSeconds(5));
			}
			assertThat(load.unexpected).as("unexpected errors of the moving key's writers and readers").isEmpty();
			assertThat(load.otherKeyErrors).as("errors writing other keys").isEmpty();
			assertThat(load.otherKeyWrites.get()).isPositive();
			assertThat(load.readMisses.get()).as("@ReadOnly reads that missed an acknowledged row").isZero();
			assertThat(load.refusals.get()).as("writes refused during the fenced phase").isPositive();
			Map<String, Long> onTarget = Ledgers.amounts(shard(topology, "shard-1").primary(), customer);
			expected.putAll(load.expected);
			assertThat(onTarget).as("every acknowledged insert, update and delete, exactly").isEqualTo(expected);
			assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer)).as("rows left on the source")
				.isEmpty();
			assertThat(onTarget.keySet()).doesNotContainAnyElementsOf(load.refusedIds);
			assertThat(a.getBean(ShardDirectory.class).entry(customer).orElseThrow().state())
				.isEqualTo(DirectoryEntry.State.ACTIVE);
			assertThat(a.getBean(KeyMover.class).history().count(MoveHistory.Outcome.MOVED)).isEqualTo(1);
		}
	}

	@Test
	void aMoverThatCrashesAtAnyStepIsRecovered(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			List<KeyMover.Step> steps = List.of(KeyMover.Step.CLAIM, KeyMover.Step.COPY, KeyMover.Step.FENCE,
					KeyMover.Step.CATCH_UP,
					KeyMover.Step.VERIFY, KeyMover.Step.FLIP, KeyMover.Step.SWEEP, KeyMover.Step.DONE);
			List<Long> customers = customersOn(topology, "shard-0", steps.size(), 310_000_000);
			int i = 0;
			for (KeyMover.Step crashAt : steps) {
				long customer = customers.get(i++);
				Set<String> ids = new HashSet<>();
				for (int row = 0; row < 5; row++) {
					String id = UUID.randomUUID().toString();
					ledger.add(customer, id, row);
					ids.add(id);
				}
				KeyMover crashing = mover(app, (step, key) -> {
					if (step == crashAt) {
						throw new SimulatedCrash(step);
					}
				});
				assertThatThrownBy(() -> crashing.move(customer, "shard-1")).isInstanceOf(SimulatedCrash.class);
				// Another instance (or this one after a restart) recovers the move.
				assertThat(mover(app, null).recoverInterruptedMoves(Duration.ZERO)).as("crash before %s", crashAt)
					.contains("l:" + customer);
				DirectoryEntry entry = directory.entry(customer).orElseThrow();
				String owner = entry.shard();
				String other = owner.equals("shard-0") ? "shard-1" : "shard-0";
				assertThat(entry.state()).as("crash before %s", crashAt).isEqualTo(DirectoryEntry.State.ACTIVE);
				assertThat(owner).as("owner after a crash before %s", crashAt)
					.isEqualTo(crashAt.ordinal() <= KeyMover.Step.FLIP.ordinal() ? "shard-0" : "shard-1");
				assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).as("crash before %s", crashAt)
					.containsExactlyInAnyOrderElementsOf(ids);
				assertThat(Ledgers.ids(shard(topology, other).primary(), customer)).as("crash before %s", crashAt)
					.isEmpty();
				// The key is writable again (once the change log reached this instance) and lands on its owner.
				String after = UUID.randomUUID().toString();
				await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
					ledger.add(customer, after, 9);
					return true;
				});
				assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).contains(after);
			}
		}
	}

	@Test
	void aStalledMoverThatWakesAfterATakeoverChangesNothing(MySqlTopology topology) throws Exception {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			LedgerStore ledger = app.getBean(LedgerStore.class);
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			for (KeyMover.Step stallAt : List.of(KeyMover.Step.CLAIM, KeyMover.Step.COPY, KeyMover.Step.CATCH_UP,
					KeyMover.Step.FLIP, KeyMover.Step.SWEEP)) {
				long customer = customersOn(topology, "shard-0", 1, 315_000_000 + stallAt.ordinal() * 1000L).get(0);
				Set<String> ids = new HashSet<>();
				for (int row = 0; row < 5; row++) {
					String id = UUID.randomUUID().toString();
					ledger.add(customer, id, row);
					ids.add(id);
				}
				CountDownLatch stalled = new CountDownLatch(1);
				CountDownLatch wake = new CountDownLatch(1);
				KeyMover slow = mover(app, (step, key) -> {
					if (step == stallAt) {
						stalled.countDown();
						try {
							wake.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					}
				});
				ExecutorService thread = Executors.newSingleThreadExecutor();
				Future<?> moving = thread.submit(() -> slow.move(customer, "shard-1"));
				assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
				assertThat(mover(app, null).recoverInterruptedMoves(Duration.ZERO)).contains("l:" + customer);
				boolean movedAgain = stallAt == KeyMover.Step.CLAIM;
				if (movedAgain) {
					// Worst case for a stalled mover that has not stamped its fences yet: the key moves
					// on (fencing the source with a newer epoch) before it wakes.
					mover(app, null).move(customer, "shard-1");
				}
				DirectoryEntry recovered = directory.entry(customer).orElseThrow();
				wake.countDown();
				assertThatThrownBy(moving::get).as("stalled at %s", stallAt).hasMessageContaining("taken over");
				thread.shutdown();
				// The takeover decided; the stalled mover changed nothing after it.
				DirectoryEntry entry = directory.entry(customer).orElseThrow();
				assertThat(entry).as("stalled at %s", stallAt).isEqualTo(recovered);
				String owner = (!movedAgain && stallAt.ordinal() <= KeyMover.Step.FLIP.ordinal()) ? "shard-0" : "shard-1";
				assertThat(entry.shard()).isEqualTo(owner);
				String other = owner.equals("shard-0") ? "shard-1" : "shard-0";
				assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).as("stalled at %s", stallAt)
					.containsExactlyInAnyOrderElementsOf(ids);
				assertThat(Ledgers.ids(shard(topology, other).primary(), customer)).as("stalled at %s", stallAt)
					.isEmpty();
				if (movedAgain) {
					// The old owner's fence is still closed: a write there (a paused instance's) is refused.
					assertThatThrownBy(() -> insertDirectly(shard(topology, "shard-0").primary(), customer))
						.hasMessageContaining("Shardline:");
				}
			}
		}
	}

	private static void insertDirectly(dev.shardline.test.TopologyNode node, long customer) throws Exception {
		try (java.sql.Connection connection = node.openConnection();
				java.sql.Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO ledger (id, customer_id, amount) VALUES ('" + UUID.randomUUID() + "', "
					+ customer + ", 1)");
		}
	}

	@Test
	void anInstanceFrozenAcrossTheCutOverCannotWriteTheOldOwner(MySqlTopology topology) throws Exception {
		long customer = customersOn(topology, "shard-0", 1, 330_000_000).get(0);
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			a.getBean(LedgerStore.class).add(customer, UUID.randomUUID().toString(), 1);
			// Instance b has looked the key up (ACTIVE on shard-0) and is about to write it when it
			// freezes: its change-log follower stops too, as everything in a SIGSTOPped JVM would.
			CountDownLatch routed = new CountDownLatch(1);
			CountDownLatch thaw = new CountDownLatch(1);
			String lateId = UUID.randomUUID().toString();
			ShardRouting routing = b.getBean(ShardRouting.class);
			JdbcTemplate jdbc = b.getBean(JdbcTemplate.class);
			ExecutorService frozen = Executors.newSingleThreadExecutor();
			Future<?> lateWrite = frozen.submit(() -> routing.onShard(customer).run(() -> {
				routed.countDown();
				try {
					thaw.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				jdbc.update("INSERT INTO ledger (id, customer_id, amount) VALUES (?, ?, 7)", lateId, customer);
			}));
			assertThat(routed.await(10, TimeUnit.SECONDS)).isTrue();
			DirectorySync syncB = b.getBean(DirectorySync.class);
			syncB.suspend();
			KeyMover.MoveReport report = a.getBean(KeyMover.class).move(customer, "shard-1");
			assertThat(report.to()).isEqualTo("shard-1");
			// The mover could not wait for b's acknowledgement: it counted b out when b's lease ran out.
			assertThat(report.writePause()).isLessThan(Duration.ofSeconds(5));
			thaw.countDown();
			// The old owner's server refused it; the application sees the retryable exception.
			assertThatThrownBy(lateWrite::get).hasCauseInstanceOf(ShardMovingException.class)
				.hasMessageContaining("fenced");
			frozen.shutdown();
			assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer)).as("the old owner").isEmpty();
			assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), customer)).doesNotContain(lateId).hasSize(1);
		}
	}

	@Test
	void rebalancePlanListsAndMovesKeysWhoseOwnerChanges(MySqlTopology topology) {
		// A directory table of its own: the plan covers every entry of the directory.
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.directory.enabled=true", "shardline.replication.check-interval=250ms",
				"shardline.directory.move-tables.ledger=customer_id", "shardline.directory.table=dir_rebalance_test")) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			// Keys recorded under a one-shard ring (everything on shard-0), rebalanced onto two shards.
			List<Long> keys = new ArrayList<>();
			for (long key = 320_000_000; key < 320_000_020; key++) {
				directory.pin(key, "shard-0");
				ledger.add(key, UUID.randomUUID().toString(), 1);
				ledger.add(key, UUID.randomUUID().toString(), 2);
				keys.add(key);
			}
			HashRing twoShards = new HashRing(Map.of("shard-0", 1, "shard-1", 1));
			RebalancePlanner planner = app.getBean(RebalancePlanner.class);
			List<RebalancePlanner.PlannedMove> plan = planner.plan(twoShards);
			List<Long> expected = keys.stream().filter((k) -> twoShards.shardFor(k).equals("shard-1")).toList();
			assertThat(plan).extracting(RebalancePlanner.PlannedMove::key).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(plan).allSatisfy((move) -> {
				assertThat(move.rows()).isEqualTo(2);
				assertThat(move.to()).isEqualTo("shard-1");
			});
			List<RebalancePlanner.Progress> progress = new ArrayList<>();
			planner.execute(plan, app.getBean(KeyMover.class), progress::add);
			assertThat(progress).hasSize(plan.size());
			for (long key : keys) {
				String owner = twoShards.shardFor(key);
				assertThat(directory.entry(key).orElseThrow().shard()).isEqualTo(owner);
				assertThat(Ledgers.ids(shard(topology, owner).primary(), key)).hasSize(2);
			}
			assertThat(planner.plan(twoShards)).isEmpty();
		}
	}

	/** A crash of the mover's thread: not an exception it handles (it would roll back). */
	static final class SimulatedCrash extends Error {

		private static final long serialVersionUID = 1L;

		SimulatedCrash(KeyMover.Step step) {
			super("simulated crash before " + step);
		}

	}

}
