package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Small-footprint servers for large topologies, and the bounded start concurrency. */
class ServerFootprintTest {

    @Test
    void largeTopologiesAreCompactByDefault() {
        assertThat(ServerFootprint.forNodes(4)).isEqualTo(ServerFootprint.STANDARD);
        assertThat(ServerFootprint.forNodes(15)).isEqualTo(ServerFootprint.STANDARD);
        assertThat(ServerFootprint.forNodes(16)).isEqualTo(ServerFootprint.COMPACT);
        assertThat(ServerFootprint.forNodes(64)).isEqualTo(ServerFootprint.COMPACT);
    }

    @Test
    void compactCommandKeepsEveryReplicationFlag() {
        Path dir = Path.of("/tmp/shardline-it/1-ab/t1/s0r0");
        List<String> standard = LocalBinaryProvider.serverCommand(Path.of("/usr/sbin/mariadbd"), dir, 40001, 7,
                true, false, ServerFootprint.STANDARD);
        List<String> compact = LocalBinaryProvider.serverCommand(Path.of("/usr/sbin/mariadbd"), dir, 40001, 7,
                true, false, ServerFootprint.COMPACT);
        assertThat(compact).containsAll(standard.stream().filter(f -> !f.startsWith("--innodb-buffer-pool-size"))
                .toList());
        assertThat(compact).contains("--innodb-buffer-pool-size=8M", "--aria-pagecache-buffer-size=1M")
                .doesNotContain("--innodb-buffer-pool-size=32M");
    }

    @Test
    void compactServersReplicateAndReportTheirSmallSettings() throws Exception {
        try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1)
                .footprint(ServerFootprint.COMPACT).startConcurrency(1).start()) {
            assertThat(topology.footprint()).isEqualTo(ServerFootprint.COMPACT);
            for (TopologyNode node : topology.nodes()) {
                assertThat(Db.string(node, "SELECT @@innodb_buffer_pool_size")).isEqualTo(
                        String.valueOf(8 * 1024 * 1024));
                assertThat(Db.string(node, "SELECT @@performance_schema")).isEqualTo("0");
            }
            String table = Db.unique("compact");
            for (TopologyShard shard : topology.shards()) {
                Db.exec(shard.primary(), "CREATE TABLE " + table + " (id INT PRIMARY KEY)",
                        "INSERT INTO " + table + " VALUES (1), (2)");
            }
            topology.awaitReplicationCaughtUp();
            for (TopologyShard shard : topology.shards()) {
                assertThat(Db.count(shard.replica(0), table)).isEqualTo(2);
            }
        }
    }

    @Test
    void startConcurrencyMustBePositive() {
        assertThatThrownBy(() -> MySqlTopology.builder().startConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TopologySettings.DEFAULT_START_CONCURRENCY).isGreaterThanOrEqualTo(2);
    }
}
