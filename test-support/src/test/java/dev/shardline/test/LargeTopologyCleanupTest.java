package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every node is stopped: when one node of a topology fails to start, and when a topology closes. */
class LargeTopologyCleanupTest {

    @Test
    void oneNodeFailingToStartStopsEveryOtherNode(@TempDir Path dir) throws IOException {
        LocalBinaryProvider real = LocalBinaryProvider.find(LocalBinaryProvider.defaultSearchPath()).orElseThrow();
        // A server binary that is the real one for every node but server id 6 (shard-2-replica-0).
        Path wrapper = dir.resolve("mariadbd");
        Files.writeString(wrapper, "#!/bin/sh\ncase \"$*\" in *--server-id=6\\ *) echo 'refusing on purpose' >&2;"
                + " exit 3;; esac\nexec " + real.serverBinary() + " \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        long before = serversUnder(JvmWorkspace.root());

        assertThatThrownBy(() -> MySqlTopology.builder().shards(4).replicasPerShard(1).startConcurrency(2)
                .provider(new LocalBinaryProvider(wrapper, real.installDbBinary())).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("shard-2-replica-0")
                .hasMessageContaining("refusing on purpose");

        assertThat(serversUnder(JvmWorkspace.root())).as("servers of this JVM still running").isEqualTo(before);
    }

    @Test
    void closingStopsEveryServerInParallel() {
        MySqlTopology topology = MySqlTopology.builder().shards(4).replicasPerShard(1)
                .footprint(ServerFootprint.COMPACT).start();
        List<Long> pids = topology.nodes().stream().map(TopologyNode::pid).toList();
        assertThat(pids).hasSize(8).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        topology.close();

        assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Live processes whose command line names a data directory under {@code root}. */
    private static long serversUnder(Path root) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                            return cmd.contains("--datadir=" + root);
                        } catch (IOException e) {
                            return false; // exited meanwhile
                        }
                    }).count();
        }
    }
}
