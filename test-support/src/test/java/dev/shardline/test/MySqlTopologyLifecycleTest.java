package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Start time, layout and cleanup of topologies started with the builder. */
class MySqlTopologyLifecycleTest {

    private static final Logger log = LoggerFactory.getLogger(MySqlTopologyLifecycleTest.class);

    @Test
    void twoByOneTopologyStartsInSecondsAndCloseRemovesEverything() throws Exception {
        MySqlTopology topology = MySqlTopology.builder().start();
        List<Long> pids;
        List<Path> dataDirs;
        try {
            log.info("TOPOLOGY START TIME: 2 shards x (1 primary + 1 replica) up, replicating, in {} ms ({})",
                    topology.startupTime().toMillis(), topology.providerName());
            assertThat(topology.startupTime()).isLessThan(Duration.ofSeconds(20));

            assertThat(topology.nodes()).extracting(TopologyNode::name).containsExactly("shard-0-primary",
                    "shard-0-replica-0", "shard-1-primary", "shard-1-replica-0");
            assertThat(topology.nodes()).extracting(TopologyNode::serverId).doesNotHaveDuplicates();
            assertThat(topology.nodes()).extracting(TopologyNode::port).doesNotHaveDuplicates()
                    .doesNotContain(3306);
            assertThat(topology.nodes()).allMatch(TopologyNode::isRunning);
            pids = topology.nodes().stream().map(TopologyNode::pid).toList();
            dataDirs = pids.stream().map(MySqlTopologyLifecycleTest::dataDirOf).toList();
            for (Path dataDir : dataDirs) {
                assertThat(dataDir).isDirectory().startsWith(JvmWorkspace.root());
                assertThat(dataDir.resolveSibling("sock").toString().getBytes(StandardCharsets.UTF_8).length)
                        .isLessThan(108);
                assertThat(dataDir.resolveSibling("node.log")).isRegularFile();
                assertThat(dataDir.resolveSibling(StaleTopologyCleaner.NODE_PID_FILE)).isRegularFile();
            }
            Map<String, String> status = topology.shard(0).replica(0).replicaStatus();
            assertThat(status).containsEntry("Slave_IO_Running", "Yes").containsEntry("Using_Gtid", "Slave_Pos")
                    .containsEntry("Master_Port", String.valueOf(topology.shard(0).primary().port()));
            assertThat(Db.string(topology.shard(0).primary(), "SELECT @@character_set_server")).isEqualTo("utf8mb4");
        } finally {
            topology.close();
        }

        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        for (Path dataDir : dataDirs) {
            assertThat(dataDir.getParent()).doesNotExist();
        }
        topology.close(); // idempotent
        assertThatThrownBy(topology::awaitReplicationCaughtUp).hasMessageContaining("closed");
    }

    @Test
    void warmStartOfAnotherTopologyIsFast() {
        try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).start()) {
            log.info("TOPOLOGY START TIME (template already built): 2 x (1+1) in {} ms",
                    topology.startupTime().toMillis());
            assertThat(topology.startupTime()).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void customDatabaseAndUserAreCreated() throws Exception {
        try (MySqlTopology topology = MySqlTopology.builder().shards(1).replicasPerShard(1).database("orders")
                .appUser("svc", "s3cret").start()) {
            TopologyNode primary = topology.shard(0).primary();
            assertThat(primary.jdbcUrl()).endsWith("/orders");
            assertThat(Db.string(primary, "SELECT CONCAT(DATABASE(), ' ', CURRENT_USER())"))
                    .isEqualTo("orders svc@%");
            assertThat(topology.shardlineProperties())
                    .containsEntry("shardline.shards.shard-0.replicas[0].username", "svc")
                    .containsEntry("shardline.shards.shard-0.replicas[0].password", "s3cret");
            Db.exec(primary, "CREATE TABLE t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            topology.awaitReplicationCaughtUp();
            assertThat(Db.count(topology.shard(0).replica(0), "t")).isEqualTo(1);
        }
    }

    @Test
    void awaitReplicationCaughtUpTimesOutWithAClearMessage() throws Exception {
        try (MySqlTopology topology = MySqlTopology.builder().shards(1).replicasPerShard(1).start()) {
            TopologyNode replica = topology.shard(0).replica(0);
            replica.stopReplicaSqlThread();
            Db.exec(topology.shard(0).primary(), "CREATE TABLE t (id INT PRIMARY KEY)");

            assertThatThrownBy(() -> topology.awaitReplicationCaughtUp(Duration.ofMillis(500)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not catch up within PT0.5S")
                    .hasMessageContaining(replica.name())
                    .hasMessageContaining("Slave_SQL_Running=No");

            replica.startReplicaSqlThread();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(Db.tableExists(replica, "t")).isTrue());
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> MySqlTopology.builder().shards(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MySqlTopology.builder().replicasPerShard(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The --datadir a live server was started with, read from /proc like the stale cleaner does. */
    private static Path dataDirOf(long pid) {
        try {
            String[] args = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                    StandardCharsets.UTF_8).split("\0");
            return Arrays.stream(args).filter(a -> a.startsWith("--datadir=")).findFirst()
                    .map(a -> Path.of(a.substring("--datadir=".length()))).orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
