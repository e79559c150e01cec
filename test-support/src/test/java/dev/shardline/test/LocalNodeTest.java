package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Process-level behaviour of a local node: port clashes and startup failures. */
class LocalNodeTest {

    @Test
    void portTakenByAnotherProcessIsRetriedWithAnotherPort() throws Exception {
        LocalBinaryProvider provider = LocalBinaryProvider.find(LocalBinaryProvider.defaultSearchPath()).orElseThrow();
        TopologySettings settings = new TopologySettings("app", "app", "app", "repl", "repl", Duration.ofSeconds(30));
        Path dir = JvmWorkspace.newTopologyDir();
        LocalNode node = new LocalNode(provider.serverBinary(), dir.resolve("s0p"),
                new NodeSpec("clash", "s0p", 1, false), Duration.ofSeconds(30), LocalBinaryProvider.isRoot());
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger calls = new AtomicInteger();
            node.portSupplier(() -> calls.getAndIncrement() == 0 ? squatter.getLocalPort() : LocalNode.freePort());
            node.copyTemplate(provider.template(settings));

            node.startOnFreePort();

            assertThat(calls).hasValue(2);
            assertThat(node.port()).isNotEqualTo(squatter.getLocalPort());
            assertThat(new String(Files.readAllBytes(dir.resolve("s0p/node.log")), StandardCharsets.UTF_8))
                    .contains("Address already in use");
            try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + node.port() + "/app", "app",
                    "app")) {
                assertThat(c.isValid(2)).isTrue();
            }
        } finally {
            node.destroy();
            StaleTopologyCleaner.deleteRecursively(dir);
        }
        assertThat(node.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
    }

    @Test
    void startupFailureReportsTheServerLogTail() throws Exception {
        LocalBinaryProvider provider = LocalBinaryProvider.find(LocalBinaryProvider.defaultSearchPath()).orElseThrow();
        Path dir = JvmWorkspace.newTopologyDir();
        LocalNode node = new LocalNode(provider.serverBinary(), dir.resolve("s0p"),
                new NodeSpec("broken", "s0p", 1, false), Duration.ofSeconds(30), LocalBinaryProvider.isRoot());
        try {
            Files.createDirectories(dir.resolve("s0p/data")); // no system tables: the server aborts

            assertThatThrownBy(node::startOnFreePort)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("broken exited with code")
                    .hasMessageContaining("Log tail")
                    .hasMessageContaining("[ERROR]");
            assertThat(node.isRunning()).isFalse();
        } finally {
            node.destroy();
            StaleTopologyCleaner.deleteRecursively(dir);
        }
    }
}
