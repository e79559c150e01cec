package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replication behaviour on the JVM-wide shared 2 shards x (1 primary + 1 replica) topology. Every test leaves the
 * topology as it found it (the topology is shared with other classes).
 */
@RealTopology(shards = 2, replicas = 1)
class ReplicationTopologyTest {

    private final MySqlTopology topology;

    ReplicationTopologyTest(MySqlTopology topology) {
        this.topology = topology;
    }

    @BeforeAll
    static void sharedAcrossClasses(MySqlTopology topology) {
        SharedTopologyProbe.assertSameAsOtherClasses(topology);
    }

    @Test
    void constructorAndMethodParametersGetTheSameTopology(MySqlTopology parameter) {
        assertThat(parameter).isSameAs(topology);
        assertThat(topology.shards()).hasSize(2);
        assertThat(topology.nodes()).hasSize(4);
        assertThat(topology.nodes()).extracting(TopologyNode::serverId).doesNotHaveDuplicates();
    }

    @Test
    void rowWrittenOnEachPrimaryIsReadFromItsReplica() throws SQLException {
        String prefix = Db.unique("read_probe");
        for (TopologyShard shard : topology.shards()) {
            String table = prefix + "_" + shard.index();
            Db.exec(shard.primary(), "CREATE TABLE " + table + " (id INT PRIMARY KEY, note VARCHAR(40))",
                    "INSERT INTO " + table + " VALUES (1, 'written on " + shard.name() + "')");
        }

        topology.awaitReplicationCaughtUp();

        for (TopologyShard shard : topology.shards()) {
            TopologyNode primary = shard.primary();
            TopologyNode replica = shard.replica(0);
            try (Connection p = primary.openConnection(); Connection r = replica.openConnection()) {
                int primaryId = Integer.parseInt(Db.string(p, "SELECT @@server_id"));
                int replicaId = Integer.parseInt(Db.string(r, "SELECT @@server_id"));
                assertThat(primaryId).isEqualTo(primary.serverId());
                assertThat(replicaId).isEqualTo(replica.serverId()).isNotEqualTo(primaryId);
                assertThat(Db.string(r, "SELECT note FROM " + prefix + "_" + shard.index() + " WHERE id = 1"))
                        .isEqualTo("written on " + shard.name());
            }
        }
        // shards are independent replication streams
        assertThat(Db.tableExists(topology.shard(0).replica(0), prefix + "_1")).isFalse();
        assertThat(Db.tableExists(topology.shard(1).replica(0), prefix + "_0")).isFalse();
    }

    @Test
    void applicationUserCannotWriteOnReadOnlyReplica() throws SQLException {
        TopologyShard shard = topology.shard(1);
        String table = Db.unique("ro_probe");
        Db.exec(shard.primary(), "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
        topology.awaitReplicationCaughtUp();

        assertThatThrownBy(() -> Db.exec(shard.replica(0), "INSERT INTO " + table + " VALUES (1)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("read-only")
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1290));
        assertThat(Db.string(shard.replica(0), "SELECT @@read_only")).isEqualTo("1");
        assertThat(Db.string(shard.replica(0), "SHOW GRANTS"))
                .doesNotContain("SUPER").doesNotContain("READ_ONLY ADMIN").doesNotContain("ALL PRIVILEGES");
    }

    @Test
    void stoppedSqlThreadMakesReplicaFallBehindUntilRestarted() throws SQLException {
        TopologyShard shard = topology.shard(0);
        TopologyNode replica = shard.replica(0);
        String table = Db.unique("lag_probe");
        Db.exec(shard.primary(), "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
        topology.awaitReplicationCaughtUp();

        replica.stopReplicaSqlThread();
        try {
            Db.exec(shard.primary(), "INSERT INTO " + table + " VALUES (1)");
            String primaryPosition = Db.string(shard.primary(), "SELECT @@gtid_binlog_pos");
            // the event reached the replica (IO thread) ...
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> primaryPosition.equals(replica.replicaStatus().get("Gtid_IO_Pos")));
            // ... but is not applied
            assertThat(Db.count(replica, table)).isZero();
            Map<String, String> status = replica.replicaStatus();
            assertThat(status.get("Slave_SQL_Running")).isEqualTo("No");
            assertThat(status.get("Slave_IO_Running")).isEqualTo("Yes");
            assertThat(status).containsEntry("Seconds_Behind_Master", null);
        } finally {
            replica.startReplicaSqlThread();
        }

        topology.awaitReplicationCaughtUp();
        assertThat(Db.count(replica, table)).isEqualTo(1);
        assertThat(Db.secondsBehind(replica)).isEqualTo("0");
    }

    @Test
    void replicationDelayMakesSecondsBehindMasterNumeric() throws SQLException {
        TopologyShard shard = topology.shard(1);
        TopologyNode replica = shard.replica(0);
        String table = Db.unique("delay_probe");
        Db.exec(shard.primary(), "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
        topology.awaitReplicationCaughtUp();

        replica.setReplicationDelay(Duration.ofSeconds(3));
        try {
            assertThat(replica.replicaStatus()).containsEntry("SQL_Delay", "3");
            long written = System.nanoTime();
            Db.exec(shard.primary(), "INSERT INTO " + table + " VALUES (1)");
            assertThat(Db.count(replica, table)).as("not applied before the delay").isZero();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(Db.secondsBehind(replica)).isNotNull().matches("\\d+"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Db.count(replica, table) == 1);
            // MASTER_DELAY counts from the event's whole-second timestamp, so at least ~2 s must have passed
            assertThat(Duration.ofNanos(System.nanoTime() - written)).isGreaterThan(Duration.ofMillis(1900));
        } finally {
            replica.setReplicationDelay(Duration.ZERO);
        }
        assertThat(replica.replicaStatus()).containsEntry("SQL_Delay", "0");
    }

    @Test
    void shardlinePropertiesDescribeEveryNode() {
        Map<String, String> props = topology.shardlineProperties();

        assertThat(props).hasSize(2 * 2 * 3);
        for (TopologyShard shard : topology.shards()) {
            String prefix = "shardline.shards.shard-" + shard.index();
            assertThat(props)
                    .containsEntry(prefix + ".primary.url", "jdbc:mysql://127.0.0.1:" + shard.primary().port() + "/app")
                    .containsEntry(prefix + ".primary.username", "app")
                    .containsEntry(prefix + ".primary.password", "app")
                    .containsEntry(prefix + ".replicas[0].url", shard.replica(0).jdbcUrl())
                    .containsEntry(prefix + ".replicas[0].username", "app")
                    .containsEntry(prefix + ".replicas[0].password", "app");
        }
        assertThat(topology.shard(0).name()).isEqualTo("shard-0");
        assertThat(topology.shard(0).primary().name()).isEqualTo("shard-0-primary");
        assertThat(topology.shard(1).replica(0).name()).isEqualTo("shard-1-replica-0");
    }
}
