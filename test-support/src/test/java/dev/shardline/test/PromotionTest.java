package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** Planned failover with {@link MySqlTopology#promote}: one shard, a primary and two replicas. */
@RealTopology(shards = 1, replicas = 2, fresh = true)
class PromotionTest {

    @Test
    void writesOnPromotedReplicaReachTheOtherReplicaAndTheOldPrimary(MySqlTopology topology) throws SQLException {
        TopologyShard shard = topology.shard(0);
        TopologyNode oldPrimary = shard.primary();
        TopologyNode candidate = shard.replica(0);
        TopologyNode other = shard.replica(1);
        Db.exec(oldPrimary, "CREATE TABLE failover_probe (id INT PRIMARY KEY)",
                "INSERT INTO failover_probe VALUES (1)");

        topology.promote(shard, candidate);

        assertThat(shard.primary()).isSameAs(candidate);
        assertThat(shard.replicas()).containsExactly(other, oldPrimary);
        assertThat(candidate.replicationSource()).isEmpty();
        assertThat(Db.string(candidate, "SELECT @@read_only")).isEqualTo("0");
        assertThatThrownBy(() -> Db.exec(oldPrimary, "INSERT INTO failover_probe VALUES (99)"))
                .isInstanceOf(SQLException.class).hasMessageContaining("read-only");

        Db.exec(candidate, "INSERT INTO failover_probe VALUES (2)");
        topology.awaitReplicationCaughtUp();

        assertThat(Db.count(other, "failover_probe")).isEqualTo(2);
        assertThat(Db.count(oldPrimary, "failover_probe")).isEqualTo(2);
        assertThat(other.replicaStatus()).containsEntry("Master_Port", String.valueOf(candidate.port()));
        assertThat(oldPrimary.replicaStatus()).containsEntry("Master_Port", String.valueOf(candidate.port()))
                .containsEntry("Slave_SQL_Running", "Yes");
        assertThat(topology.shardlineProperties())
                .containsEntry("shardline.shards.shard-0.primary.url", candidate.jdbcUrl())
                .containsEntry("shardline.shards.shard-0.replicas[1].url", oldPrimary.jdbcUrl());
    }

    @Test
    void crashFailoverRepointsTheDeadPrimaryWhenItIsRestarted(MySqlTopology topology) throws SQLException {
        TopologyShard shard = topology.shard(0); // works whatever roles the other test left behind
        TopologyNode oldPrimary = shard.primary();
        TopologyNode candidate = shard.replica(0);
        String table = Db.unique("crash_failover");
        Db.exec(oldPrimary, "CREATE TABLE " + table + " (id INT PRIMARY KEY)", "INSERT INTO " + table + " VALUES (1)");
        topology.awaitReplicationCaughtUp();

        oldPrimary.kill();
        topology.promote(shard, candidate);
        Db.exec(candidate, "INSERT INTO " + table + " VALUES (2)");
        oldPrimary.restart();

        assertThat(oldPrimary.replicationSource()).contains(candidate);
        topology.awaitReplicationCaughtUp();
        for (TopologyNode replica : shard.replicas()) {
            assertThat(Db.count(replica, table)).as(replica.name()).isEqualTo(2);
        }
        assertThat(Db.string(oldPrimary, "SELECT @@read_only")).as("a demoted primary comes back fenced").isEqualTo("1");
    }
}
