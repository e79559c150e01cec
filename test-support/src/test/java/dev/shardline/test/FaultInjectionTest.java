package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Crashes, hangs and restarts, on a topology of this class' own (fresh = true). */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class FaultInjectionTest {

    private static final ExecutorService TIMEOUT_EXECUTOR = Executors.newSingleThreadExecutor();

    @AfterAll
    static void stopExecutor() {
        TIMEOUT_EXECUTOR.shutdownNow();
    }

    @Test
    void freshTopologyIsNotTheSharedOne(MySqlTopology topology, MySqlTopology again) {
        assertThat(again).as("one fresh topology per class").isSameAs(topology);
        assertThat(topology).isNotSameAs(SharedTopologyProbe.firstOrNull()); // null if no shared one ran yet
        assertThat(topology.nodes()).hasSize(4).allMatch(TopologyNode::isRunning);
    }

    @Test
    void killedReplicaRestartsAndCatchesUpWithRowsWrittenWhileDown(MySqlTopology topology) throws SQLException {
        TopologyShard shard = topology.shard(1);
        TopologyNode replica = shard.replica(0);
        Db.exec(shard.primary(), "CREATE TABLE crash_probe (id INT PRIMARY KEY)");
        topology.awaitReplicationCaughtUp();
        long oldPid = replica.pid();
        int port = replica.port();

        replica.kill();

        assertThat(replica.isRunning()).isFalse();
        assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        for (int i = 1; i <= 3; i++) {
            Db.exec(shard.primary(), "INSERT INTO crash_probe VALUES (" + i + ")");
        }

        replica.restart();

        assertThat(replica.isRunning()).isTrue();
        assertThat(replica.port()).isEqualTo(port);
        assertThat(replica.pid()).isNotEqualTo(oldPid);
        topology.awaitReplicationCaughtUp();
        assertThat(Db.count(replica, "crash_probe")).isEqualTo(3);
        assertThat(replica.replicaStatus()).containsEntry("Slave_IO_Running", "Yes")
                .containsEntry("Slave_SQL_Running", "Yes");
    }

    @Test
    void killedPrimaryRestartsAndItsReplicaReconnects(MySqlTopology topology) throws SQLException {
        TopologyShard shard = topology.shard(0);
        Db.exec(shard.primary(), "CREATE TABLE primary_crash_probe (id INT PRIMARY KEY)",
                "INSERT INTO primary_crash_probe VALUES (1)");

        shard.primary().kill();
        assertThatThrownBy(topology::awaitReplicationCaughtUp).hasMessageContaining("is not running");
        shard.primary().restart();
        Db.exec(shard.primary(), "INSERT INTO primary_crash_probe VALUES (2)");

        topology.awaitReplicationCaughtUp();
        assertThat(Db.count(shard.replica(0), "primary_crash_probe")).isEqualTo(2);
    }

    @Test
    void frozenNodeKeepsAcceptingTcpButQueriesTimeOutUntilThawed(MySqlTopology topology) throws Exception {
        TopologyNode node = topology.shard(0).replica(0);
        try (Connection connection = node.openConnection()) {
            connection.setNetworkTimeout(TIMEOUT_EXECUTOR, 1000);
            node.freeze();
            try {
                assertThat(node.isRunning()).as("a hang, not a crash").isTrue();
                assertThat(node.isFrozen()).isTrue();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", node.port()), 1000);
                    assertThat(socket.isConnected()).as("the kernel still accepts on the port").isTrue();
                }
                long started = System.nanoTime();
                assertThatThrownBy(() -> Db.string(connection, "SELECT 1")).isInstanceOf(SQLException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(10));
                assertThatThrownBy(() -> topology.awaitReplicationCaughtUp(Duration.ofSeconds(1)))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining(node.name());
            } finally {
                node.thaw();
            }
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .untilAsserted(() -> assertThat(Db.string(node, "SELECT @@server_id"))
                        .isEqualTo(String.valueOf(node.serverId())));
        topology.awaitReplicationCaughtUp();
    }
}
