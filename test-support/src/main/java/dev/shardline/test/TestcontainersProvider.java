package dev.shardline.test;

import java.util.ArrayList;
import java.util.List;

/**
 * Fallback provider: one MySQL 8.4 container per node on a private Docker network (replicas reach their
 * primary by network alias). Used only when no local MariaDB exists but a Docker engine does; Testcontainers
 * is an optional dependency, so this class touches its API only inside {@link TestcontainersNode}.
 *
 * <p>Fault injection maps to Docker: kill → {@code docker kill}, freeze → {@code docker pause}, restart →
 * {@code docker start} (same host port: the binding is fixed at creation).
 */
public final class TestcontainersProvider implements TopologyProvider {

    /** Image used for every node. */
    public static final String DEFAULT_IMAGE = "mysql:8.4";

    private final String image;

    /** A provider using {@link #DEFAULT_IMAGE}. */
    public TestcontainersProvider() {
        this(DEFAULT_IMAGE);
    }

    /** @param image MySQL 8.4-compatible image */
    public TestcontainersProvider(String image) {
        this.image = image;
    }

    /**
     * Whether Testcontainers is on the classpath and a Docker engine answers.
     *
     * @return true if this provider can run
     */
    public static boolean isDockerAvailable() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false,
                    TestcontainersProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        try {
            return TestcontainersNode.dockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Server arguments of one node's container (the container's command).
     *
     * @param spec node to start
     * @return {@code mysqld} options
     */
    public static List<String> serverArguments(NodeSpec spec) {
        List<String> args = new ArrayList<>(List.of(
                "--server-id=" + spec.serverId(),
                "--log-bin=binlog",
                "--gtid-mode=ON",
                "--enforce-gtid-consistency=ON",
                "--log-replica-updates=ON",
                "--character-set-server=utf8mb4",
                // the harness creates mysql_native_password users: Connector/J and replication then need no TLS
                "--mysql-native-password=ON",
                "--skip-replica-start",
                "--skip-name-resolve",
                "--performance-schema=OFF",
                "--innodb-buffer-pool-size=64M"));
        if (spec.readOnly()) {
            args.add("--read-only=ON");
        }
        return args;
    }

    /**
     * SQL run as root on every node after it starts, before replication is wired: users and database (not
     * binlogged), then an empty GTID history so every node starts from the same (empty) position.
     *
     * @param settings topology settings
     * @return statements in order
     */
    public static List<String> bootstrapStatements(TopologySettings settings) {
        List<String> sql = new ArrayList<>();
        sql.add("SET SESSION sql_log_bin = 0");
        sql.addAll(ServerFlavor.MYSQL.bootstrap(settings));
        sql.add("SET SESSION sql_log_bin = 1");
        sql.add("RESET BINARY LOGS AND GTIDS"); // the image's entrypoint may have written GTIDs of its own
        return sql;
    }

    /** The image nodes run. */
    public String image() {
        return image;
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "testcontainers " + image;
    }

    /** {@inheritDoc} */
    @Override
    public ServerFlavor flavor() {
        return ServerFlavor.MYSQL;
    }

    /** {@inheritDoc} */
    @Override
    public NodeSet startNodes(TopologySettings settings, List<NodeSpec> nodes) {
        return TestcontainersNode.startAll(image, settings, nodes);
    }
}
