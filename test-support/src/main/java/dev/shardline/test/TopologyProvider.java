package dev.shardline.test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Starts the server processes of a topology (a "node set"); {@link MySqlTopology} then wires replication.
 *
 * <p>Two implementations exist: {@link LocalBinaryProvider} (MariaDB binaries installed on the machine,
 * preferred because it starts in about a second) and {@link TestcontainersProvider} (MySQL 8.4 containers,
 * used only when no local binaries exist but a Docker engine does). With neither, {@link #detect()} fails
 * with a message telling what to install; integration tests are never skipped silently.
 */
public interface TopologyProvider {

    /** Short name for logs and messages. */
    String name();

    /** SQL dialect of the nodes this provider starts. */
    ServerFlavor flavor();

    /**
     * Starts all given nodes (in parallel where possible) with the application database and users already
     * present, and waits until each accepts connections. All or nothing: on failure every node already started
     * is destroyed and the exception carries the failing node's log tail.
     *
     * @param settings topology-wide settings
     * @param nodes    nodes to start
     * @return the started nodes, same order as {@code nodes}
     */
    NodeSet startNodes(TopologySettings settings, List<NodeSpec> nodes);

    /**
     * Picks the provider for this machine: local MariaDB binaries on {@code PATH} or in {@code /usr/sbin},
     * else Testcontainers if a Docker engine is reachable.
     *
     * @return the provider to use
     * @throws TopologyUnavailableException naming what to install when neither is available
     */
    static TopologyProvider detect() {
        return detect(LocalBinaryProvider.defaultSearchPath(), TestcontainersProvider::isDockerAvailable);
    }

    /**
     * Same as {@link #detect()} with an explicit binary search path and Docker probe (lets tests prove the
     * failure message without uninstalling anything).
     *
     * @param searchPath      directories searched for {@code mariadbd}/{@code mysqld} and the install-db tool
     * @param dockerAvailable whether a Docker engine is usable
     * @return the provider to use
     * @throws TopologyUnavailableException naming what to install when neither is available
     */
    static TopologyProvider detect(List<Path> searchPath, BooleanSupplier dockerAvailable) {
        Optional<LocalBinaryProvider> local = LocalBinaryProvider.find(searchPath);
        if (local.isPresent()) {
            return local.get();
        }
        if (dockerAvailable.getAsBoolean()) {
            return new TestcontainersProvider();
        }
        throw new TopologyUnavailableException(
                "Cannot start a real MySQL-protocol topology for integration tests: no MariaDB server binary"
                        + " (mariadbd or mysqld plus mariadb-install-db or mysql_install_db) was found in "
                        + searchPath + ", and no Docker engine is reachable for Testcontainers."
                        + " Fix it by installing MariaDB locally: `apt-get update && apt-get install -y"
                        + " mariadb-server` (Debian/Ubuntu; binaries land in /usr/sbin), or by starting a Docker"
                        + " engine (then MySQL 8.4 containers are used).");
    }
}
