package dev.shardline.test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.PortBinding;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A node in a MySQL container; the only class touching the (optional) Testcontainers API. Cannot be exercised
 * on machines without Docker, hence kept minimal.
 */
final class TestcontainersNode implements NodeRuntime {

    private static final String ROOT_PASSWORD = "root";

    private final MySQLContainer container;
    private final String alias;
    private final int hostPort;
    private final Duration startupTimeout;

    private TestcontainersNode(MySQLContainer container, String alias, int hostPort, Duration startupTimeout) {
        this.container = container;
        this.alias = alias;
        this.hostPort = hostPort;
        this.startupTimeout = startupTimeout;
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static NodeSet startAll(String image, TopologySettings settings, List<NodeSpec> specs) {
        Network network = Network.newNetwork();
        List<TestcontainersNode> nodes = new ArrayList<>();
        for (NodeSpec spec : specs) {
            int port = freePort();
            String alias = spec.shortName();
            MySQLContainer c = new MySQLContainer(DockerImageName.parse(image))
                    .withNetwork(network)
                    .withNetworkAliases(alias)
                    .withDatabaseName(settings.database())
                    .withUsername("tc")
                    .withPassword(ROOT_PASSWORD) // also the root password in Testcontainers' MySQL module
                    .withStartupTimeout(settings.startupTimeout())
                    // fixed host port, so restart() after kill() keeps the port tests and properties know
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                            .withPortBindings(PortBinding.parse("127.0.0.1:" + port + ":3306")));
            c.withCommand(TestcontainersProvider.serverArguments(spec).toArray(String[]::new));
            nodes.add(new TestcontainersNode(c, alias, port, settings.startupTimeout()));
        }
        try {
            CompletableFuture.allOf(nodes.stream()
                    .map(n -> CompletableFuture.runAsync(() -> n.startAndBootstrap(settings)))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            nodes.forEach(TestcontainersNode::destroy);
            network.close();
            throw new IllegalStateException("Could not start MySQL containers: " + e.getCause().getMessage(),
                    e.getCause());
        }
        return new NodeSet(new ArrayList<>(nodes), network::close);
    }

    private void startAndBootstrap(TopologySettings settings) {
        container.start();
        try (Connection c = adminConnection()) {
            for (String sql : TestcontainersProvider.bootstrapStatements(settings)) {
                Sql.execute(c, sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Bootstrap of " + alias + " failed: " + e.getMessage(), e);
        }
    }

    private Connection adminConnection() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", adminUser());
        p.setProperty("password", adminPassword());
        p.setProperty("allowPublicKeyRetrieval", "true"); // root is caching_sha2_password in the image
        p.setProperty("connectTimeout", "1000");
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + hostPort + "/", p);
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return hostPort;
    }

    @Override
    public String replicationHost() {
        return alias;
    }

    @Override
    public int replicationPort() {
        return 3306;
    }

    @Override
    public String adminUser() {
        return "root";
    }

    @Override
    public String adminPassword() {
        return ROOT_PASSWORD;
    }

    @Override
    public long pid() {
        InspectContainerResponse.ContainerState state = inspectState();
        return state == null || state.getPidLong() == null ? -1 : state.getPidLong();
    }

    @Override
    public boolean isRunning() {
        InspectContainerResponse.ContainerState state = inspectState();
        return state != null && Boolean.TRUE.equals(state.getRunning());
    }

    @Override
    public void kill() {
        if (isRunning()) {
            docker().killContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void stop() {
        if (isRunning()) {
            docker().stopContainerCmd(container.getContainerId()).exec();
        }
    }

    @Override
    public void restart(boolean readOnly) {
        docker().startContainerCmd(container.getContainerId()).exec();
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (true) {
            try (Connection c = adminConnection()) {
                return; // read-only is re-applied over SQL by TopologyNode
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(alias + " did not come back within " + startupTimeout
                            + ". Log tail:\n" + logTail(), e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    @Override
    public void freeze() {
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void thaw() {
        docker().unpauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public String logTail() {
        String logs = container.getLogs();
        String[] lines = logs.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }

    @Override
    public void destroy() {
        container.stop();
    }

    private InspectContainerResponse.ContainerState inspectState() {
        String id = container.getContainerId();
        if (id == null) {
            return null;
        }
        try {
            return docker().inspectContainerCmd(id).exec().getState();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
