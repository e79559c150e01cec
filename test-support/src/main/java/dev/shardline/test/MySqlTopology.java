package dev.shardline.test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, GTID-replicated MySQL-protocol topology for integration tests: N shards, each one primary and M
 * read-only replicas, all separate server processes (MariaDB locally, MySQL 8.4 containers as a fallback).
 *
 * <pre>{@code
 * try (MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).start()) {
 *     topology.shard(0).primary().openConnection() ...
 *     topology.awaitReplicationCaughtUp();
 * }
 * }</pre>
 *
 * <p>Every shard is an independent replication stream; server ids are unique across the topology. Closing stops
 * all servers and deletes their data; a JVM shutdown hook does the same for topologies never closed, and the
 * next start removes what a killed JVM left behind ({@link StaleTopologyCleaner}).
 */
public final class MySqlTopology implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MySqlTopology.class);

    /** Default bound for {@link #awaitReplicationCaughtUp()}. */
    public static final Duration DEFAULT_CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

    private final TopologySettings settings;
    private final String providerName;
    private final NodeSet nodeSet;
    private final List<TopologyShard> shards;
    private final List<TopologyNode> nodes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Duration startupTime = Duration.ZERO;

    private MySqlTopology(TopologySettings settings, String providerName, NodeSet nodeSet,
                          List<TopologyShard> shards, List<TopologyNode> nodes) {
        this.settings = settings;
        this.providerName = providerName;
        this.nodeSet = nodeSet;
        this.shards = List.copyOf(shards);
        this.nodes = List.copyOf(nodes);
    }

    /** JVM-wide shared topologies by shape; closed by the workspace's shutdown hook like every topology. */
    private static final java.util.concurrent.ConcurrentHashMap<String, MySqlTopology> SHARED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The JVM-wide shared topology of this shape, started on first use and stopped when the JVM exits. Tests that
     * share it must leave it as they found it. Usable where no parameter can be injected, e.g. from a Spring test's
     * {@code @DynamicPropertySource}; {@link RealTopology} hands out the same instances.
     *
     * @param shards number of shards
     * @param replicas replicas per shard
     * @return the running topology
     */
    public static MySqlTopology shared(int shards, int replicas) {
        return SHARED.computeIfAbsent(shards + "x" + replicas,
                key -> builder().shards(shards).replicasPerShard(replicas).start());
    }

    /** A builder with defaults: 2 shards, 1 replica per shard, database {@code app}, user {@code app/app}. */
    public static Builder builder() {
        return new Builder();
    }

    /** All shards, by index. */
    public List<TopologyShard> shards() {
        return shards;
    }

    /**
     * One shard.
     *
     * @param index zero-based shard index
     * @return the shard
     */
    public TopologyShard shard(int index) {
        return shards.get(index);
    }

    /** All nodes in creation order (shard 0 primary, its replicas, shard 1 primary, ...), whatever their role now. */
    public List<TopologyNode> nodes() {
        return nodes;
    }

    /** Name of the application database present on every node. */
    public String database() {
        return settings.database();
    }

    /** Application user name. */
    public String appUser() {
        return settings.appUser();
    }

    /** Application user password. */
    public String appPassword() {
        return settings.appPassword();
    }

    /** How long {@link Builder#start()} took, from provider selection to replication running. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The memory and thread settings of the local servers. */
    public ServerFootprint footprint() {
        return settings.footprint();
    }

    /** Which provider started the nodes (e.g. {@code local /usr/sbin/mariadbd}). */
    public String providerName() {
        return providerName;
    }

    /** Same as {@link #awaitReplicationCaughtUp(Duration)} with {@link #DEFAULT_CATCH_UP_TIMEOUT}. */
    public void awaitReplicationCaughtUp() {
        awaitReplicationCaughtUp(DEFAULT_CATCH_UP_TIMEOUT);
    }

    /**
     * Waits until every running replica has applied its primary's current GTID position (read once, now).
     * The wait happens server-side ({@code MASTER_GTID_WAIT} / {@code WAIT_FOR_EXECUTED_GTID_SET}), bounded by
     * one overall deadline.
     *
     * @param timeout overall deadline
     * @throws IllegalStateException on timeout (naming the replica, both positions and its thread states), or if
     *                               a replica's primary is down or a node does not answer (e.g. frozen)
     */
    public void awaitReplicationCaughtUp(Duration timeout) {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopologyNode replica : nodes) {
            TopologyNode primary = replica.replicationSource().orElse(null);
            if (primary == null || !replica.isRunning()) {
                continue;
            }
            if (!primary.isRunning()) {
                throw new IllegalStateException("Cannot wait for " + replica.name() + " to catch up: its primary "
                        + primary.name() + " is not running");
            }
            String target;
            try {
                target = primary.writtenPosition(remaining(deadline, timeout).plusSeconds(1));
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot read the GTID position of " + primary + " (frozen?): "
                        + e.getMessage(), e);
            }
            Duration left = remaining(deadline, timeout);
            boolean reached;
            try {
                reached = !left.isZero() && replica.waitForPosition(target, left);
            } catch (SQLException e) {
                throw new IllegalStateException("Replica " + replica + " did not answer while waiting for GTID "
                        + "position '" + target + "' (frozen?): " + e.getMessage(), e);
            }
            if (!reached) {
                throw new IllegalStateException(catchUpFailure(replica, primary, target, timeout));
            }
        }
    }

    /**
     * Spring-style properties describing the current roles, for {@code @DynamicPropertySource} or a
     * {@code SpringApplicationBuilder}: {@code shardline.shards.shard-<i>.primary.url|username|password} and
     * {@code shardline.shards.shard-<i>.replicas[<j>].url|username|password}, all as the application user.
     *
     * @return ordered property map
     */
    public Map<String, String> shardlineProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        for (TopologyShard shard : shards) {
            String prefix = "shardline.shards." + shard.name();
            putNode(props, prefix + ".primary", shard.primary());
            List<TopologyNode> replicas = shard.replicas();
            for (int j = 0; j < replicas.size(); j++) {
                putNode(props, prefix + ".replicas[" + j + "]", replicas.get(j));
            }
        }
        return Collections.unmodifiableMap(props);
    }

    /**
     * Promotes {@code replica} to primary of {@code shard}, as a planned failover would: the old primary becomes
     * read-only (if it is up, the replica first catches up with it), the replica stops replicating and becomes
     * writable, and the other replicas and the old primary replicate from it (nodes that are down are re-pointed
     * when restarted). Afterwards {@link TopologyShard#primary()} is {@code replica} and the old primary is the
     * last of {@link TopologyShard#replicas()}.
     *
     * @param shard   the shard
     * @param replica one of its running replicas
     * @throws IllegalStateException if a node of the shard is frozen, or the replica cannot catch up
     */
    public void promote(TopologyShard shard, TopologyNode replica) {
        requireOpen();
        if (!shard.replicas().contains(replica)) {
            throw new IllegalArgumentException(replica.name() + " is not a replica of " + shard.name());
        }
        if (!replica.isRunning() || replica.isFrozen()) {
            throw new IllegalStateException("Cannot promote " + replica.name() + ": it is not running or frozen");
        }
        TopologyNode oldPrimary = shard.primary();
        for (TopologyNode node : shard.replicas()) {
            if (node.isFrozen()) {
                throw new IllegalStateException("Cannot promote while " + node.name() + " is frozen: thaw() it first");
            }
        }
        if (oldPrimary.isFrozen()) {
            // it could neither be fenced (read_only) nor re-pointed; a crashed primary is the supported case
            throw new IllegalStateException("Cannot promote while the old primary " + oldPrimary.name()
                    + " is frozen: thaw() or kill() it first");
        }
        boolean oldReachable = oldPrimary.isRunning();
        if (oldReachable) {
            oldPrimary.setReadOnly(true); // no more writes can arrive that the new primary would miss
            if (replica.replicationSource().orElse(null) == oldPrimary) {
                try {
                    String position = oldPrimary.writtenPosition(Duration.ofSeconds(10));
                    if (!replica.waitForPosition(position, DEFAULT_CATCH_UP_TIMEOUT)) {
                        throw new IllegalStateException(
                                catchUpFailure(replica, oldPrimary, position, DEFAULT_CATCH_UP_TIMEOUT));
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("Promotion of " + replica.name() + " failed while catching up: "
                            + e.getMessage(), e);
                }
            }
        } else {
            oldPrimary.markReadOnlyWhileDown(true);
        }
        replica.stopReplication();
        replica.setReadOnly(false);
        List<TopologyNode> newReplicas = new ArrayList<>();
        for (TopologyNode other : shard.replicas()) {
            if (other != replica) {
                other.replicateFrom(replica);
                newReplicas.add(other);
            }
        }
        oldPrimary.replicateFrom(replica);
        newReplicas.add(oldPrimary);
        shard.reassign(replica, newReplicas);
        log.info("Promoted {} to primary of {}", replica, shard);
    }

    /** Stops every server (SIGKILL: data is thrown away anyway) and deletes all data directories. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            nodeSet.close();
            log.info("Closed topology {}", this);
        } finally {
            JvmWorkspace.unregister(this);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "MySqlTopology" + shards;
    }

    private void putNode(Map<String, String> props, String prefix, TopologyNode node) {
        props.put(prefix + ".url", node.jdbcUrl());
        props.put(prefix + ".username", settings.appUser());
        props.put(prefix + ".password", settings.appPassword());
    }

    private String catchUpFailure(TopologyNode replica, TopologyNode primary, String target, Duration timeout) {
        String applied;
        String status;
        try {
            applied = replica.appliedPosition();
            Map<String, String> row = replica.replicaStatus();
            ServerFlavor f = replica.flavor();
            status = f.ioRunningColumn() + "=" + row.get(f.ioRunningColumn()) + ", " + f.sqlRunningColumn() + "="
                    + row.get(f.sqlRunningColumn()) + ", " + f.secondsBehindColumn() + "="
                    + row.get(f.secondsBehindColumn()) + ", Last_IO_Error=" + row.get("Last_IO_Error")
                    + ", Last_SQL_Error=" + row.get("Last_SQL_Error");
        } catch (SQLException | RuntimeException e) {
            applied = "?";
            status = "unavailable (" + e.getMessage() + ")";
        }
        return "Replication did not catch up within " + timeout + ": replica " + replica + " has applied GTID "
                + "position '" + applied + "' but its primary " + primary + " is at '" + target + "'. Replica status: "
                + status;
    }

    private static Duration remaining(long deadlineNanos, Duration cap) {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(Math.min(left, cap.toNanos()));
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Topology is closed");
        }
    }

    private void awaitReplicasConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopologyNode node : nodes) {
            if (node.replicationSource().isEmpty()) {
                continue;
            }
            String io = node.flavor().ioRunningColumn();
            Map<String, String> status = node.replicaStatus();
            while (!"Yes".equals(status.get(io))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(node + " did not connect to its primary within " + timeout
                            + ": " + io + "=" + status.get(io) + ", Last_IO_Error=" + status.get("Last_IO_Error")
                            + ". Log tail:\n" + node.runtime().logTail());
                }
                sleep(20);
                status = node.replicaStatus();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** Configures and starts a {@link MySqlTopology}. */
    public static final class Builder {

        private int shards = 2;
        private int replicasPerShard = 1;
        private String database = "app";
        private String appUser = "app";
        private String appPassword = "app";
        private TopologyProvider provider;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private ServerFootprint footprint;
        private int startConcurrency = TopologySettings.DEFAULT_START_CONCURRENCY;

        private Builder() {
        }

        /**
         * Number of shards (default 2).
         *
         * @param shards at least 1
         * @return this builder
         */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be >= 1, was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /**
         * Replicas per shard (default 1).
         *
         * @param replicas at least 0
         * @return this builder
         */
        public Builder replicasPerShard(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicasPerShard must be >= 0, was " + replicas);
            }
            this.replicasPerShard = replicas;
            return this;
        }

        /**
         * Application database created on every node (default {@code app}).
         *
         * @param database database name
         * @return this builder
         */
        public Builder database(String database) {
            this.database = requireText(database, "database");
            return this;
        }

        /**
         * Application user (default {@code app}/{@code app}).
         *
         * @param user     user name
         * @param password password
         * @return this builder
         */
        public Builder appUser(String user, String password) {
            this.appUser = requireText(user, "user");
            this.appPassword = java.util.Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Provider to start nodes with (default {@link TopologyProvider#detect()}).
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder provider(TopologyProvider provider) {
            this.provider = provider;
            return this;
        }

        /**
         * How long a single node may take to accept connections (default 60 s).
         *
         * @param timeout the bound
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Memory and thread settings of each local server (default: {@link ServerFootprint#forNodes(int)} of the
         * topology's node count, so topologies of {@value ServerFootprint#COMPACT_FROM_NODES} nodes or more are
         * compact).
         *
         * @param footprint the footprint
         * @return this builder
         */
        public Builder footprint(ServerFootprint footprint) {
            this.footprint = java.util.Objects.requireNonNull(footprint, "footprint");
            return this;
        }

        /**
         * At most this many nodes are started at once (default {@link TopologySettings#DEFAULT_START_CONCURRENCY}).
         *
         * @param concurrency at least 1
         * @return this builder
         */
        public Builder startConcurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("startConcurrency must be >= 1, was " + concurrency);
            }
            this.startConcurrency = concurrency;
            return this;
        }

        /**
         * Starts all nodes in parallel (at most {@link #startConcurrency(int)} at once), wires GTID replication and waits until every replica is connected.
         *
         * @return the running topology; close it
         * @throws TopologyUnavailableException if no provider can run on this machine (says what to install)
         * @throws IllegalStateException        if a node fails to start (message has its log tail)
         */
        public MySqlTopology start() {
            long started = System.nanoTime();
            TopologyProvider p = provider != null ? provider : TopologyProvider.detect();
            int nodeCount = shards * (1 + replicasPerShard);
            TopologySettings settings = new TopologySettings(database, appUser, appPassword, "repl", "repl",
                    startupTimeout, footprint != null ? footprint : ServerFootprint.forNodes(nodeCount),
                    startConcurrency);
            List<NodeSpec> specs = new ArrayList<>();
            int serverId = 1;
            for (int i = 0; i < shards; i++) {
                specs.add(new NodeSpec("shard-" + i + "-primary", "s" + i + "p", serverId++, false));
                for (int j = 0; j < replicasPerShard; j++) {
                    specs.add(new NodeSpec("shard-" + i + "-replica-" + j, "s" + i + "r" + j, serverId++, true));
                }
            }
            NodeSet nodeSet = p.startNodes(settings, specs);
            List<TopologyNode> nodes = new ArrayList<>();
            List<TopologyShard> shardList = new ArrayList<>();
            int k = 0;
            for (int i = 0; i < shards; i++) {
                TopologyNode primary = node(specs.get(k), nodeSet.nodes().get(k), p, settings);
                k++;
                nodes.add(primary);
                List<TopologyNode> replicas = new ArrayList<>();
                for (int j = 0; j < replicasPerShard; j++, k++) {
                    TopologyNode replica = node(specs.get(k), nodeSet.nodes().get(k), p, settings);
                    replicas.add(replica);
                    nodes.add(replica);
                }
                shardList.add(new TopologyShard(i, primary, replicas));
            }
            MySqlTopology topology = new MySqlTopology(settings, p.name(), nodeSet, shardList, nodes);
            JvmWorkspace.register(topology);
            try {
                for (TopologyShard shard : shardList) {
                    for (TopologyNode replica : shard.replicas()) {
                        replica.replicateFrom(shard.primary());
                    }
                }
                topology.awaitReplicasConnected(startupTimeout);
            } catch (RuntimeException e) {
                topology.close();
                throw e;
            }
            topology.startupTime = Duration.ofNanos(System.nanoTime() - started);
            log.info("Started topology {} shard(s) x (1 primary + {} replica(s)) via {} ({} footprint) in {} ms",
                    shards, replicasPerShard, p.name(), settings.footprint(), topology.startupTime.toMillis());
            return topology;
        }

        private static TopologyNode node(NodeSpec spec, NodeRuntime runtime, TopologyProvider p,
                                         TopologySettings settings) {
            return new TopologyNode(spec.name(), spec.serverId(), spec.readOnly(), runtime, p.flavor(), settings);
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }
    }
}
