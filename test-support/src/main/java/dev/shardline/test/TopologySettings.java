package dev.shardline.test;

import java.time.Duration;
import java.util.Objects;

/**
 * Topology-wide settings a {@link TopologyProvider} needs to prepare its nodes.
 *
 * @param database            application database created on every node
 * @param appUser             application user (DDL/DML, replication monitoring; no SUPER / READ_ONLY ADMIN)
 * @param appPassword         its password
 * @param replicationUser     user replicas connect to their primary with
 * @param replicationPassword its password
 * @param startupTimeout      how long one node may take to accept connections
 * @param footprint           memory and thread settings of each local server
 * @param startConcurrency    at most this many nodes are being started at once (at least 1)
 */
public record TopologySettings(String database, String appUser, String appPassword, String replicationUser,
                               String replicationPassword, Duration startupTimeout, ServerFootprint footprint,
                               int startConcurrency) {

    /**
     * Default start concurrency: starting a server is mostly CPU (InnoDB initialisation), so two per core keeps
     * every core busy without thrashing a small machine.
     */
    public static final int DEFAULT_START_CONCURRENCY = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    /** Validates the settings. */
    public TopologySettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(appUser, "appUser");
        Objects.requireNonNull(appPassword, "appPassword");
        Objects.requireNonNull(replicationUser, "replicationUser");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(footprint, "footprint");
        if (startConcurrency < 1) {
            throw new IllegalArgumentException("startConcurrency must be >= 1, was " + startConcurrency);
        }
    }

    /**
     * Settings with the {@link ServerFootprint#STANDARD} footprint and the default start concurrency.
     *
     * @param database            application database
     * @param appUser             application user
     * @param appPassword         its password
     * @param replicationUser     replication user
     * @param replicationPassword its password
     * @param startupTimeout      how long one node may take to accept connections
     */
    public TopologySettings(String database, String appUser, String appPassword, String replicationUser,
                            String replicationPassword, Duration startupTimeout) {
        this(database, appUser, appPassword, replicationUser, replicationPassword, startupTimeout,
                ServerFootprint.STANDARD, DEFAULT_START_CONCURRENCY);
    }

    /** Key for caching prepared data (e.g. the local template data directory) across topologies. */
    String templateKey() {
        return String.join("\u0000", database, appUser, appPassword, replicationUser, replicationPassword);
    }
}
