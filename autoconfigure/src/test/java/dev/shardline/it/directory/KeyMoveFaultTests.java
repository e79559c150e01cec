package dev.shardline.it.directory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveFailedException;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.move.MoveRefusedException;
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
 * A move that fails rolls itself back: the key is ACTIVE and writable on its source, the target
 * holds none of its rows (or they are recorded and removed when the target returns), the outcome
 * is logged and counted. A table that cannot be moved safely is refused before anything is marked.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class KeyMoveFaultTests {

	private static final String[] DIRECTORY = KeyMoveTests.DIRECTORY;

	@Test
	void aCopyThatChangesAValueFailsVerificationAndRollsBack(MySqlTopology topology) {
		long customer = customersOn(topology, "shard-0", 1, 400_000_000).get(0);
		TopologyNode target = shard(topology, "shard-1").primary();
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			Set<String> ids = rows(app, customer, 20);
			// A copy that loses a microsecond, as the old getObject/setObject copy did: a trigger on
			// the target (named so the preflight takes it for Shardline's own) shifts what the mover writes.
			execute(target, "CREATE TRIGGER shardline_test_skew BEFORE INSERT ON ledger FOR EACH ROW"
					+ " SET NEW.created_at = IF(@shardline_mover IS NULL, NEW.created_at, NEW.created_at + INTERVAL 1 MICROSECOND)");
			try {
				KeyMover mover = KeyMoveTests.mover(app, null);
				assertThatThrownBy(() -> mover.move(customer, "shard-1")).isInstanceOf(MoveFailedException.class)
					.hasMessageContaining("rolled back")
					.hasMessageContaining("ledger")
					.satisfies((ex) -> assertThat(ids).anyMatch(ex.getMessage()::contains));
				assertRolledBack(topology, app, customer, ids);
				assertThat(mover.history().count(MoveHistory.Outcome.ROLLED_BACK)).isEqualTo(1);
				assertThat(mover.history().recent().get(0).detail()).contains("created_at");
			}
			finally {
				execute(target, "DROP TRIGGER shardline_test_skew");
			}
		}
	}

	@Test
	void aConstraintViolationOnTheTargetRollsBack(MySqlTopology topology) {
		long customer = customersOn(topology, "shard-0", 1, 410_000_000).get(0);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			Set<String> ids = rows(app, customer, 10);
			// A row of another customer on the target already uses one of the key's primary keys.
			String clash = ids.iterator().next();
			execute(shard(topology, "shard-1").primary(),
					"INSERT INTO ledger (id, customer_id, amount) VALUES ('" + clash + "', 1, 1)");
			try {
				assertThatThrownBy(() -> KeyMoveTests.mover(app, null).move(customer, "shard-1"))
					.isInstanceOf(MoveFailedException.class)
					.hasMessageContaining("rolled back");
				assertRolledBack(topology, app, customer, ids);
			}
			finally {
				execute(shard(topology, "shard-1").primary(), "DELETE FROM ledger WHERE id = '" + clash + "'");
			}
		}
	}

	@Test
	void aReadOnlyTargetRollsBack(MySqlTopology topology) {
		long customer = customersOn(topology, "shard-0", 1, 420_000_000).get(0);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			Set<String> ids = rows(app, customer, 10);
			TopologyNode target = shard(topology, "shard-1").primary();
			// Read-only after the preflight (which would refuse it): the marked move must undo itself.
			KeyMover mover = KeyMoveTests.mover(app, (step, key) -> {
				if (step == KeyMover.Step.MARK) {
					target.setReadOnly(true);
				}
			});
			try {
				assertThatThrownBy(() -> mover.move(customer, "shard-1")).isInstanceOf(MoveFailedException.class)
					.hasMessageContaining("rolled back")
					.hasMessageContaining("read-only");
			}
			finally {
				target.setReadOnly(false);
			}
			assertRolledBack(topology, app, customer, ids);
		}
	}

	@Test
	void aTargetThatDiesMidCopyRollsBackAndItsCopyIsRemovedWhenItReturns(MySqlTopology topology) {
		long customer = customersOn(topology, "shard-0", 1, 430_000_000).get(0);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class, DIRECTORY)) {
			Set<String> ids = rows(app, customer, 10);
			TopologyNode target = shard(topology, "shard-1").primary();
			KeyMover mover = KeyMoveTests.mover(app, (step, key) -> {
				if (step == KeyMover.Step.FENCE) {
					target.kill();
				}
			});
			try {
				assertThatThrownBy(() -> mover.move(customer, "shard-1")).isInstanceOf(MoveFailedException.class)
					.hasMessageContaining("rolled back");
				// Writable on the source while the target is down.
				DirectoryEntry entry = app.getBean(ShardDirectory.class).entry(customer).orElseThrow();
				assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
				assertThat(entry.shard()).isEqualTo("shard-0");
				String during = UUID.randomUUID().toString();
				await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
					app.getBean(LedgerStore.class).add(customer, during, 1);
					return true;
				});
				ids.add(during);
			}
			finally {
				target.restart();
			}
			// The copy it left is recorded and removed once the target answers.
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
				KeyMoveTests.mover(app, null).recoverStalledMoves();
				assertThat(Ledgers.ids(target, customer)).isEmpty();
			});
			assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer))
				.containsExactlyInAnyOrderElementsOf(ids);
		}
	}

	@Test
	void aMoverThatDiesIsRolledBackByTheInstancesWithinTheStatedBound(MySqlTopology topology) {
		List<Long> customers = customersOn(topology, "shard-0", 2, 450_000_000);
		try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.directory.enabled=true", "shardline.directory.move-tables.ledger=customer_id",
				"shardline.replication.check-interval=250ms", "shardline.directory.move-timeout=1s",
				"shardline.directory.move-stale-after=3s")) {
			// Died in the fenced phase (writes refused): bound 2 x move-timeout + one maintenance round.
			// Died while copying (writes continue): bound move-stale-after + one maintenance round.
			record Death(KeyMover.Step at, Duration bound) {
			}
			int i = 0;
			for (Death death : List.of(new Death(KeyMover.Step.CATCH_UP, Duration.ofSeconds(3)),
					new Death(KeyMover.Step.COPY, Duration.ofSeconds(4)))) {
				long customer = customers.get(i++);
				Set<String> ids = rows(app, customer, 5);
				KeyMover dying = new KeyMover(app.getBean(ShardDirectory.class),
						app.getBean(dev.shardline.directory.DirectorySync.class),
						app.getBean(dev.shardline.routing.ShardRouter.class), java.util.Map.of("ledger", "customer_id"),
						new KeyMover.Settings(Duration.ofSeconds(1), Duration.ofSeconds(3), 500), null, (step, key) -> {
							if (step == death.at()) {
								throw new KeyMoveTests.SimulatedCrash(step);
							}
						});
				assertThatThrownBy(() -> dying.move(customer, "shard-1")).isInstanceOf(KeyMoveTests.SimulatedCrash.class);
				long died = System.nanoTime();
				// Nobody calls recover: the instances' maintenance does it.
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
					DirectoryEntry entry = app.getBean(ShardDirectory.class).entry(customer).orElseThrow();
					assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
				});
				Duration took = Duration.ofNanos(System.nanoTime() - died);
				// The rollback sets the entry ACTIVE first (writes resume), then removes the target's copy.
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), customer)).isEmpty());
				System.out.printf("mover died before %s: rolled back by the instances after %d ms%n", death.at(),
						took.toMillis());
				// Documented bound plus a maintenance round (every move-timeout) plus slack for a loaded machine.
				assertThat(took).as("died before %s", death.at()).isLessThan(death.bound().plusSeconds(1).plusSeconds(5));
				assertRolledBack(topology, app, customer, ids);
			}
		}
	}

	@Test
	void tablesThatCannotBeMovedSafelyAreRefusedBeforeAnythingIsMarked(MySqlTopology topology) {
		long customer = customersOn(topology, "shard-0", 1, 440_000_000).get(0);
		TopologyNode source = shard(topology, "shard-0").primary();
		TopologyNode target = shard(topology, "shard-1").primary();
		for (TopologyNode node : List.of(source, target)) {
			execute(node, "CREATE TABLE IF NOT EXISTS no_pk (customer_id BIGINT NOT NULL, v INT)",
					"CREATE TABLE IF NOT EXISTS with_trigger (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL)",
					"CREATE TABLE IF NOT EXISTS differs (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, v "
							+ (node == source ? "INT" : "BIGINT") + ")");
		}
		execute(source, "CREATE TRIGGER audit_with_trigger AFTER INSERT ON with_trigger FOR EACH ROW SET @x = 1");
		record Case(String table, String expected) {
		}
		for (Case refused : List.of(new Case("no_pk", "primary key"), new Case("with_trigger", "audit_with_trigger"),
				new Case("differs", "bigint"), new Case("missing_table", "missing_table"))) {
			try (ConfigurableApplicationContext app = RoutedApplication.start(topology, JdbcApp.class,
					"shardline.directory.enabled=true", "shardline.replication.check-interval=250ms",
					"shardline.directory.move-tables." + refused.table() + "=customer_id")) {
				assertThatThrownBy(() -> app.getBean(KeyMover.class).move(customer, "shard-1")).as(refused.table())
					.isInstanceOf(MoveRefusedException.class)
					.hasMessageContaining(refused.table())
					.hasMessageContaining(refused.expected());
				assertThat(app.getBean(ShardDirectory.class).entry(customer)).as("nothing marked").isEmpty();
			}
		}
	}

	private static Set<String> rows(ConfigurableApplicationContext app, long customer, int count) {
		LedgerStore ledger = app.getBean(LedgerStore.class);
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < count; i++) {
			String id = UUID.randomUUID().toString();
			ledger.add(customer, id, i);
			ids.add(id);
		}
		return ids;
	}

	private static void assertRolledBack(MySqlTopology topology, ConfigurableApplicationContext app, long customer,
			Set<String> ids) {
		DirectoryEntry entry = app.getBean(ShardDirectory.class).entry(customer).orElseThrow();
		assertThat(entry.state()).isEqualTo(DirectoryEntry.State.ACTIVE);
		assertThat(entry.shard()).isEqualTo("shard-0");
		assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer)).containsExactlyInAnyOrderElementsOf(ids);
		assertThat(Ledgers.ids(shard(topology, "shard-1").primary(), customer)).isEmpty();
		// Writable again on the source, at once (this instance dropped its cached view).
		String after = UUID.randomUUID().toString();
		app.getBean(LedgerStore.class).add(customer, after, 1);
		assertThat(Ledgers.ids(shard(topology, "shard-0").primary(), customer)).contains(after);
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
