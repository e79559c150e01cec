package dev.shardline.it.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.shardline.ShardMovingException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.RebalancePlanner;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouter;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Online key moves on a real topology: while two application instances keep writing and
 * reading the key, every acknowledged write ends up on the target exactly once and none on
 * the source; a move interrupted at any step recovers to one consistent owner.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class KeyMoveTests {

	private static final String[] DIRECTORY = { "shardline.directory.enabled=true",
			"shardline.directory.cache-ttl=500ms", "shardline.directory.move-tables.ledger=customer_id" };

	@Test
	void moveUnderConcurrentWritesAndReadsLosesNothing(MySqlTopology topology) throws Exception {
		long customer = customersOn(topology, "shard-0", 1, 300_000_000).get(0);
		try (ConfigurableApplicationContext a = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY);
				ConfigurableApplicationContext b = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
			AtomicLong readFailures = new AtomicLong();
			AtomicLong movingRefusals = new AtomicLong();
			AtomicBoolean running = new AtomicBoolean(true);
			ExecutorService load = Executors.newFixedThreadPool(4);
			for (ConfigurableApplicationContext instance : List.of(a, b)) {
				LedgerStore ledger = instance.getBean(LedgerStore.class);
				load.execute(() -> {
					while (running.get()) {
						String id = UUID.randomUUID().toString();
						try {
							ledger.add(customer, id, 1);
							acknowledged.add(id);
						}
						catch (ShardMovingException ex) {
							movingRefusals.incrementAndGet();
						}
					}
				});
				load.execute(() -> {
					while (running.get()) {
						try {
							ledger.count(customer);
						}
						catch (RuntimeException ex) {
							readFailures.incrementAndGet();
						}
					}
				});
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > 50);
			KeyMover.MoveReport report = a.getBean(KeyMover.class).move(customer, "shard-1");
			assertThat(report.from()).isEqualTo("shard-0");
			int afterMove = acknowledged.size();
			await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > afterMove + 50);
			running.set(false);
			load.shutdown();
			assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

			List<String> onTarget = Ledgers.ids(shard(topology, "shard-1").primary(), customer);
			List<String> onSource = Ledgers.ids(shard(topology, "shard-0").primary(), customer);
			assertThat(onSource).as("rows left on the source").isEmpty();
			assertThat(new HashSet<>(onTarget)).hasSize(onTarget.size());
			assertThat(onTarget).containsExactlyInAnyOrderElementsOf(acknowledged);
			assertThat(movingRefusals.get()).as("writes paused during the move").isPositive();
			assertThat(readFailures.get()).as("reads failed during the move").isZero();
			assertThat(a.getBean(ShardDirectory.class).entry(customer).orElseThrow().state())
				.isEqualTo(DirectoryEntry.State.ACTIVE);
		}
	}

	@Test
	void aMoveInterruptedAtAnyStepRecovers(MySqlTopology topology) {
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			ShardDirectory directory = app.getBean(ShardDirectory.class);
			ShardRouter router = app.getBean(ShardRouter.class);
			LedgerStore ledger = app.getBean(LedgerStore.class);
			List<Long> customers = customersOn(topology, "shard-0", KeyMover.Step.values().length, 310_000_000);
			int i = 0;
			for (KeyMover.Step crashAt : KeyMover.Step.values()) {
				long customer = customers.get(i++);
				Set<String> ids = new HashSet<>();
				for (int row = 0; row < 5; row++) {
					String id = UUID.randomUUID().toString();
					ledger.add(customer, id, row);
					ids.add(id);
				}
				KeyMover crashing = new KeyMover(directory, router, Map.of("ledger", "customer_id"), (step, key) -> {
					if (step == crashAt) {
						throw new IllegalStateException("simulated crash before " + step);
					}
				});
				assertThatThrownBy(() -> crashing.move(customer, "shard-1")).hasMessageContaining("simulated crash");
				// A restarted instance recovers the move.
				new KeyMover(directory, router, Map.of("ledger", "customer_id"), KeyMover.StepListener.NONE)
					.recoverInterruptedMoves(Duration.ZERO);
				directory.invalidateAll();
				DirectoryEntry entry = directory.entry(customer).orElse(null);
				String owner = (entry != null) ? entry.shard() : "shard-0";
				String other = owner.equals("shard-0") ? "shard-1" : "shard-0";
				assertThat(entry == null || entry.state() == DirectoryEntry.State.ACTIVE).as("crash before %s", crashAt)
					.isTrue();
				assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).as("crash before %s", crashAt)
					.containsExactlyInAnyOrderElementsOf(ids);
				assertThat(Ledgers.ids(shard(topology, other).primary(), customer)).as("crash before %s", crashAt)
					.isEmpty();
				assertThat(owner).as("owner after a crash before %s", crashAt)
					.isEqualTo(crashAt.ordinal() <= KeyMover.Step.FLIP.ordinal() ? "shard-0" : "shard-1");
				// The key is writable again and lands on its owner.
				String after = UUID.randomUUID().toString();
				ledger.add(customer, after, 9);
				assertThat(Ledgers.ids(shard(topology, owner).primary(), customer)).contains(after);
			}
		}
	}

	@Test
	void rebalancePlanListsAndMovesKeysWhoseOwnerChanges(MySqlTopology topology) {
		// A directory table of its own: the plan covers every entry of the directory.
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.directory.enabled=true", "shardline.directory.cache-ttl=500ms",
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

}
