package dev.shardline.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

import dev.shardline.replication.GtidPosition.Flavor;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaStatus} and {@link GtidWaits} on a real MariaDB primary and replica, as the application user
 * (which the harness grants {@code SLAVE MONITOR} and {@code BINLOG MONITOR}). A class-own topology, because the
 * replica's applier is stopped and started.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class ReplicationLiveTests {

	private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

	@BeforeAll
	static void createTable(MySqlTopology topology) throws SQLException {
		try (Connection primary = topology.shard(0).primary().openConnection();
				Statement statement = primary.createStatement()) {
			assertThat(GtidWaits.isMariaDb(primary)).as("these tests use MariaDB GTIDs").isTrue();
			statement.execute("CREATE TABLE IF NOT EXISTS replication_live "
					+ "(id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)");
		}
		topology.awaitReplicationCaughtUp();
	}

	@Test
	void statusFollowsTheApplierThread(MySqlTopology topology) throws SQLException {
		TopologyNode primary = topology.shard(0).primary();
		TopologyNode replica = topology.shard(0).replica(0);
		ReplicaStatus running = status(replica).orElseThrow();
		assertThat(running.isReplicating()).as("%s", running).isTrue();
		assertThat(running.lagSeconds()).as("%s", running).isPresent();
		assertThat(running.lagSeconds().getAsLong()).isBetween(0L, 60L);
		assertThat(running.sourceHost()).isEqualTo("127.0.0.1");
		assertThat(running.sourcePort()).isEqualTo(primary.port());
		assertThat(running.lastError()).isNull();

		replica.stopReplicaSqlThread();
		try {
			GtidPosition written = insert(primary, "while the applier is stopped");
			ReplicaStatus stopped = awaitStatus(replica, (s) -> written.toString().equals(s.receivedGtids()));
			assertThat(stopped.ioRunning()).isTrue();
			assertThat(stopped.sqlRunning()).isFalse();
			assertThat(stopped.isReplicating()).isFalse();
			// MariaDB reports NULL here; unknown must never turn into "0 s behind"
			assertThat(stopped.lagSeconds()).as("%s", stopped).isEmpty();
			// received is not applied: the replica has the event but not the row
			try (Connection c = replica.openConnection()) {
				assertThat(GtidWaits.readPosition(c, Flavor.MARIADB, true).covers(written)).isFalse();
				assertThat(GtidWaits.await(c, written, Duration.ZERO)).isFalse();
			}
		}
		finally {
			replica.startReplicaSqlThread();
		}

		ReplicaStatus restarted = awaitStatus(replica, ReplicaStatus::isReplicating);
		assertThat(restarted.lagSeconds()).as("%s", restarted).isPresent();
		assertThat(restarted.lastError()).isNull();
	}

	@Test
	void primaryIsNotAReplica(MySqlTopology topology) throws SQLException {
		assertThat(status(topology.shard(0).primary())).isEmpty();
	}

	@Test
	void replicaReachesTheSessionsLastGtid(MySqlTopology topology) throws SQLException {
		TopologyNode replica = topology.shard(0).replica(0);
		GtidPosition written = insert(topology.shard(0).primary(), "read your write");
		try (Connection c = replica.openConnection()) {
			long started = System.nanoTime();
			assertThat(GtidWaits.await(c, written, Duration.ofSeconds(5))).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			assertThat(GtidWaits.readPosition(c, Flavor.MARIADB, true).covers(written)).isTrue();

			String[] gtid = written.toString().split("-");
			GtidPosition future = GtidPosition
				.parseMariaDb(gtid[0] + "-" + gtid[1] + "-" + (Long.parseLong(gtid[2]) + 1000));
			started = System.nanoTime();
			assertThat(GtidWaits.await(c, future, Duration.ofMillis(200))).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(150),
					Duration.ofSeconds(2));
		}
	}

	@Test
	void caughtUpReplicaCoversThePrimary(MySqlTopology topology) throws SQLException {
		TopologyNode primary = topology.shard(0).primary();
		insert(primary, "catch up");
		topology.awaitReplicationCaughtUp();
		GtidPosition written;
		try (Connection c = primary.openConnection()) {
			written = GtidWaits.readPosition(c, Flavor.MARIADB, false);
		}
		try (Connection c = topology.shard(0).replica(0).openConnection()) {
			GtidPosition applied = GtidWaits.readPosition(c, Flavor.MARIADB, true);
			assertThat(written.isEmpty()).isFalse();
			assertThat(applied.covers(written)).as("%s covers %s", applied, written).isTrue();
		}
	}

	/** Inserts a row as the application user and returns the GTID that session's write got. */
	private static GtidPosition insert(TopologyNode primary, String note) throws SQLException {
		try (Connection c = primary.openConnection(); Statement statement = c.createStatement()) {
			statement.executeUpdate("INSERT INTO replication_live (note) VALUES ('" + note + "')");
			return GtidWaits.readLastGtid(c).orElseThrow();
		}
	}

	private static Optional<ReplicaStatus> status(TopologyNode node) throws SQLException {
		try (Connection c = node.openConnection()) {
			return ReplicaStatus.read(c, STATUS_TIMEOUT);
		}
	}

	/** Thread state changes and event arrival are asynchronous: poll briefly instead of sleeping blindly. */
	private static ReplicaStatus awaitStatus(TopologyNode replica, Predicate<ReplicaStatus> done)
			throws SQLException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		ReplicaStatus status = status(replica).orElseThrow();
		while (!done.test(status) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			status = status(replica).orElseThrow();
		}
		return status;
	}

}
