package dev.shardline.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One server of a {@link MySqlTopology}: connection access plus fault injection.
 *
 * <p>A node's {@link #name()} is its identity and never changes, even when {@link MySqlTopology#promote} swaps
 * roles (so {@code shard-0-primary} may end up a replica); ask {@link TopologyShard#primary()} for the current
 * primary. Methods are meant to be called from the test thread; they are not designed for concurrent use.
 */
public final class TopologyNode {

    /** Bounds every harness-internal statement, so a frozen server surfaces as an error instead of a hang. */
    private static final Duration INTERNAL_SOCKET_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final int serverId;
    private final NodeRuntime runtime;
    private final ServerFlavor flavor;
    private final TopologySettings settings;

    private volatile TopologyNode source;
    private volatile boolean repointOnRestart;
    private volatile boolean readOnly;
    private volatile boolean frozen;

    TopologyNode(String name, int serverId, boolean readOnly, NodeRuntime runtime, ServerFlavor flavor,
                 TopologySettings settings) {
        this.name = name;
        this.serverId = serverId;
        this.readOnly = readOnly;
        this.runtime = runtime;
        this.flavor = flavor;
        this.settings = settings;
    }

    /** Node name, e.g. {@code shard-0-primary} or {@code shard-0-replica-0}. */
    public String name() {
        return name;
    }

    /** TCP port on 127.0.0.1 (or the Docker host); stable across {@link #restart()}. */
    public int port() {
        return runtime.port();
    }

    /** {@code server_id}, unique across the topology. */
    public int serverId() {
        return serverId;
    }

    /** JDBC URL of the application database on this node, e.g. {@code jdbc:mysql://127.0.0.1:PORT/app}. */
    public String jdbcUrl() {
        return "jdbc:mysql://" + runtime.host() + ":" + runtime.port() + "/" + settings.database();
    }

    /**
     * Opens a connection as the application user (no SUPER, no READ_ONLY ADMIN). No socket timeout is set; use
     * {@link Connection#setNetworkTimeout} when talking to a node that may be frozen.
     *
     * @return a new connection; the caller closes it
     * @throws SQLException if the node does not accept it
     */
    public Connection openConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), properties(settings.appUser(), settings.appPassword(), null));
    }

    /**
     * Opens a connection as the administrative user (root), default schema the application database.
     *
     * @return a new connection; the caller closes it
     * @throws SQLException if the node does not accept it
     */
    public Connection openAdminConnection() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), properties(runtime.adminUser(), runtime.adminPassword(), null));
    }

    /** Kills the server with SIGKILL (a crash: no clean shutdown, InnoDB recovers on {@link #restart()}). */
    public void kill() {
        runtime.kill();
        frozen = false;
    }

    /** Shuts the server down cleanly (SIGTERM), waiting for it to exit. */
    public void stop() {
        runtime.stop();
        frozen = false;
    }

    /**
     * Starts the server again on the same port and data directory after {@link #kill()} or {@link #stop()},
     * with its current read-only setting. A replica resumes replicating from where it stopped (or from the
     * primary it was re-pointed to while down) and catches up; use
     * {@link MySqlTopology#awaitReplicationCaughtUp()} to wait for that.
     *
     * @throws IllegalStateException if it is still running or cannot be started (message has the log tail)
     */
    public void restart() {
        runtime.restart(readOnly);
        frozen = false;
        try (Connection c = internalAdminConnection(INTERNAL_SOCKET_TIMEOUT)) {
            // the provider may not be able to pass read-only on the command line (containers): state it again
            Sql.execute(c, "SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
            TopologyNode src = source;
            if (src != null) {
                if (repointOnRestart) {
                    pointAt(c, src);
                } else {
                    Sql.execute(c, flavor.startReplica()); // --skip-slave-start: resume explicitly
                }
            }
        } catch (SQLException e) {
            throw failure("could not resume after restart", e);
        }
    }

    /** Suspends the server with SIGSTOP: a hang, not a crash. Its TCP port keeps accepting, nothing answers. */
    public void freeze() {
        runtime.freeze();
        frozen = true;
    }

    /** Resumes a {@link #freeze() frozen} server with SIGCONT. */
    public void thaw() {
        runtime.thaw();
        frozen = false;
    }

    /** Whether the node is currently {@link #freeze() frozen}. */
    public boolean isFrozen() {
        return frozen;
    }

    /** Whether the server process exists (a frozen server counts as running). */
    public boolean isRunning() {
        return runtime.isRunning();
    }

    /** Process id of the current (or last) server process; for containers, the host pid of the server. */
    public long pid() {
        return runtime.pid();
    }

    /** Stops only the replica's applier (SQL) thread: events still arrive but are not applied, lag grows. */
    public void stopReplicaSqlThread() {
        requireReplica();
        admin(flavor.stopSqlThread());
    }

    /** Starts the replica's applier (SQL) thread again. */
    public void startReplicaSqlThread() {
        requireReplica();
        admin(flavor.startSqlThread());
    }

    /**
     * Makes this replica apply events only {@code delay} after they were written on the primary
     * ({@code MASTER_DELAY}; replication is stopped and started around the change). Zero removes the delay.
     *
     * @param delay whole seconds are used
     */
    public void setReplicationDelay(Duration delay) {
        requireReplica();
        admin(flavor.stopReplica(), flavor.replicationDelay(delay.toSeconds()), flavor.startReplica());
    }

    /**
     * Sets {@code read_only} (kept across {@link #restart()}). The application user cannot write on a
     * read-only node; root still can.
     *
     * @param readOnly the new value
     */
    public void setReadOnly(boolean readOnly) {
        admin("SET GLOBAL read_only = " + (readOnly ? "ON" : "OFF"));
        this.readOnly = readOnly;
    }

    /** Current (harness-tracked) read-only setting. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Re-points replication at {@code newPrimary} using GTID positions ({@code STOP SLAVE; CHANGE MASTER TO ...;
     * START SLAVE}); works for a replica and for a former primary alike. If this node is down, the change is
     * applied when it is {@link #restart() restarted}.
     *
     * @param newPrimary node to replicate from
     */
    public void replicateFrom(TopologyNode newPrimary) {
        Objects.requireNonNull(newPrimary, "newPrimary");
        if (newPrimary == this) {
            throw new IllegalArgumentException(name + " cannot replicate from itself");
        }
        if (!isRunning()) {
            source = newPrimary;
            repointOnRestart = true;
            return;
        }
        try (Connection c = internalAdminConnection(INTERNAL_SOCKET_TIMEOUT)) {
            pointAt(c, newPrimary);
        } catch (SQLException e) {
            throw failure("could not replicate from " + newPrimary.name(), e);
        }
    }

    /** Stops replicating and forgets the source ({@code STOP SLAVE; RESET SLAVE ALL}), as on promotion. */
    public void stopReplication() {
        admin(flavor.stopReplica(), flavor.resetReplicaAll());
        source = null;
        repointOnRestart = false;
    }

    /** The node this one replicates from, if it is a replica. */
    public Optional<TopologyNode> replicationSource() {
        return Optional.ofNullable(source);
    }

    /**
     * The replica status row ({@code SHOW SLAVE STATUS} on MariaDB, {@code SHOW REPLICA STATUS} on MySQL) as
     * column → value; empty if not a replica. MariaDB keeps the old names ({@code Seconds_Behind_Master}).
     *
     * @return the status row
     */
    public Map<String, String> replicaStatus() {
        try (Connection c = internalAdminConnection(INTERNAL_SOCKET_TIMEOUT)) {
            return Sql.firstRow(c, flavor.replicaStatus());
        } catch (SQLException e) {
            throw failure("could not read replica status", e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name + "(127.0.0.1:" + port() + ", server_id " + serverId + ")";
    }

    // ---- package-private helpers for MySqlTopology ----

    ServerFlavor flavor() {
        return flavor;
    }

    /** Sets the read-only flag a node that is down will come back with (used by promotion). */
    void markReadOnlyWhileDown(boolean value) {
        this.readOnly = value;
    }

    /** GTID position this node has written to its binlog (what its replicas must reach). */
    String writtenPosition(Duration socketTimeout) throws SQLException {
        try (Connection c = internalAdminConnection(socketTimeout)) {
            String pos = Sql.queryString(c, flavor.writtenPosition());
            return pos == null ? "" : pos;
        }
    }

    /** GTID position this replica has applied. */
    String appliedPosition() throws SQLException {
        try (Connection c = internalAdminConnection(Duration.ofSeconds(10))) {
            String pos = Sql.queryString(c, flavor.appliedPosition());
            return pos == null ? "" : pos;
        }
    }

    /** Waits server-side until {@code position} is applied; false on timeout. */
    boolean waitForPosition(String position, Duration timeout) throws SQLException {
        // Socket timeout a bit above the server-side wait, so a live server answers first; it also bounds the
        // handshake, which is where a frozen server hangs (connectTimeout only covers the TCP connect).
        try (Connection c = internalAdminConnection(timeout.plusSeconds(1));
             PreparedStatement ps = c.prepareStatement(flavor.waitForPosition())) {
            ps.setString(1, position);
            ps.setDouble(2, Math.max(0.001, timeout.toMillis() / 1000.0));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null && rs.getInt(1) == 0;
            }
        }
    }

    Connection internalAdminConnection(Duration socketTimeout) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(),
                properties(runtime.adminUser(), runtime.adminPassword(), socketTimeout));
    }

    NodeRuntime runtime() {
        return runtime;
    }

    private void pointAt(Connection c, TopologyNode newPrimary) throws SQLException {
        Sql.execute(c, flavor.stopReplica());
        for (String sql : flavor.prepareRepoint()) {
            Sql.execute(c, sql);
        }
        Sql.execute(c, flavor.changeSource(newPrimary.runtime.replicationHost(),
                newPrimary.runtime.replicationPort(), settings.replicationUser(), settings.replicationPassword()));
        Sql.execute(c, flavor.startReplica());
        source = newPrimary;
        repointOnRestart = false;
    }

    private void admin(String... statements) {
        try (Connection c = internalAdminConnection(INTERNAL_SOCKET_TIMEOUT)) {
            for (String sql : statements) {
                Sql.execute(c, sql);
            }
        } catch (SQLException e) {
            throw failure("failed to run " + String.join("; ", statements), e);
        }
    }

    private void requireReplica() {
        if (source == null) {
            throw new IllegalStateException(name + " is not a replica");
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        String hint = frozen ? " (the node is frozen: thaw() it first)"
                : !isRunning() ? " (the node is not running)" : "";
        return new IllegalStateException(name + " (port " + port() + "): " + what + hint + ": " + e.getMessage(), e);
    }

    private static Properties properties(String user, String password, Duration socketTimeout) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5000");
        if (socketTimeout != null) {
            p.setProperty("socketTimeout", Long.toString(socketTimeout.toMillis()));
        }
        return p;
    }
}
