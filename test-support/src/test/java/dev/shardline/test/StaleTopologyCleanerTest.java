package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stale cleanup with real processes: a MariaDB server left running in the directory of a dead "owner JVM" is
 * killed and its directory deleted. Uses a private base directory, so cleaners of other test JVMs on this machine
 * (which scan /tmp/shardline-it) cannot interfere.
 */
class StaleTopologyCleanerTest {

    private Path base;
    private Process decoy;
    private LocalNode orphan;

    @BeforeEach
    void createBase() throws IOException {
        base = Files.createTempDirectory(Path.of("/tmp"), "sl-stale-");
    }

    @AfterEach
    void cleanUp() {
        if (decoy != null) {
            decoy.destroyForcibly();
        }
        if (orphan != null) {
            orphan.destroy();
        }
        StaleTopologyCleaner.deleteRecursively(base);
    }

    @Test
    void killsServersOfDeadOwnersAndRemovesTheirDirectoriesButSparesLiveOwnersAndForeignPids() throws Exception {
        // a root whose owner JVM is dead, with a real mariadbd still running in it
        long deadOwner = deadPid();
        Path deadRoot = Files.createDirectories(base.resolve(deadOwner + "-dead"));
        Files.writeString(deadRoot.resolve(StaleTopologyCleaner.OWNER_FILE), deadOwner + "\n");
        LocalBinaryProvider provider = LocalBinaryProvider.find(LocalBinaryProvider.defaultSearchPath()).orElseThrow();
        TopologySettings settings = new TopologySettings("app", "app", "app", "repl", "repl", Duration.ofSeconds(30));
        orphan = new LocalNode(provider.serverBinary(), deadRoot.resolve("t1/s0p"),
                new NodeSpec("orphan", "s0p", 1, false), Duration.ofSeconds(30), LocalBinaryProvider.isRoot());
        orphan.copyTemplate(provider.template(settings));
        orphan.startOnFreePort();
        long serverPid = orphan.pid();
        assertThat(ProcessHandle.of(serverPid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        // a node pid file naming a live process whose cmdline does NOT mention the data dir (a reused pid)
        decoy = new ProcessBuilder("sleep", "600").start();
        Path decoyNode = Files.createDirectories(deadRoot.resolve("t1/s0r0"));
        StaleTopologyCleaner.writeNodePidFile(decoyNode, decoy.pid(), decoyNode.resolve("data"));

        // a root owned by a live JVM (this one)
        Path liveRoot = Files.createDirectories(base.resolve(ProcessHandle.current().pid() + "-live"));
        StaleTopologyCleaner.writeOwnerFile(liveRoot);

        StaleTopologyCleaner.Report report = StaleTopologyCleaner.cleanStale(base);

        assertThat(report.removedDirectories()).containsExactly(deadRoot);
        assertThat(report.killedPids()).containsExactly(serverPid);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false), alive -> !alive);
        assertThat(deadRoot).doesNotExist();
        assertThat(decoy.isAlive()).as("pid whose cmdline does not name the datadir is never killed").isTrue();
        assertThat(liveRoot).isDirectory();
        assertThat(liveRoot.resolve(StaleTopologyCleaner.OWNER_FILE)).isRegularFile();
    }

    @Test
    void mainCleansTheGivenBaseDirectory() throws Exception {
        Path deadRoot = Files.createDirectories(base.resolve("1-x/t1/s0p")).getParent().getParent();
        Files.writeString(deadRoot.resolve(StaleTopologyCleaner.OWNER_FILE), deadPid() + "\n");

        StaleTopologyCleaner.main(new String[] {base.toString()});

        assertThat(deadRoot).doesNotExist();
    }

    @Test
    void reusedOwnerPidWithAnotherStartTimeIsStale() throws Exception {
        Path root = Files.createDirectories(base.resolve("reused"));
        Files.writeString(root.resolve(StaleTopologyCleaner.OWNER_FILE),
                ProcessHandle.current().pid() + "\n" + 12345L + "\n");
        assertThat(StaleTopologyCleaner.isStale(root)).isTrue();

        StaleTopologyCleaner.writeOwnerFile(root);
        assertThat(StaleTopologyCleaner.isStale(root)).isFalse();
    }

    @Test
    void freshDirectoryWithoutOwnerFileIsLeftAlone() throws Exception {
        Path beingCreated = Files.createDirectories(base.resolve("99-new"));

        assertThat(StaleTopologyCleaner.cleanStale(base).removedDirectories()).isEmpty();
        assertThat(beingCreated).isDirectory();
    }

    @Test
    void topologyStartRemovesStaleRootsOfTheDefaultBase() throws Exception {
        long deadOwner = deadPid();
        Path stale = Files.createDirectories(JvmWorkspace.base().resolve(deadOwner + "-stale-probe/t1/s0p"))
                .getParent().getParent();
        Files.writeString(stale.resolve(StaleTopologyCleaner.OWNER_FILE), deadOwner + "\n");

        try (MySqlTopology topology = MySqlTopology.builder().shards(1).replicasPerShard(0).start()) {
            assertThat(topology.nodes()).hasSize(1);
        }

        assertThat(stale).doesNotExist();
        assertThat(List.of(JvmWorkspace.root())).allMatch(Files::isDirectory);
    }

    @Test
    void zombieCountsAsDead() throws Exception {
        // `true` exits, but `sleep` (exec'd in its parent) never reaps it: a zombie, like a killed server whose
        // parent JVM died and whose new parent (pid 1 in a container) does not reap
        Process parent = new ProcessBuilder("sh", "-c", "true & exec sleep 30").start();
        try {
            ProcessHandle zombie = await().atMost(Duration.ofSeconds(5))
                    .until(() -> parent.toHandle().children().findFirst().orElse(null), java.util.Objects::nonNull);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> StaleTopologyCleaner.isLiveProcess(zombie.pid()), live -> !live);
            assertThat(zombie.isAlive()).as("the JDK still calls a zombie alive").isTrue();
            assertThat(StaleTopologyCleaner.isLiveProcess(parent.pid())).isTrue();
        } finally {
            parent.destroyForcibly();
        }
    }

    /** Pid of a process that has exited (a just-finished `true`). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
