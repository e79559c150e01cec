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
 */
public record TopologySettings(String database, String appUser, String appPassword, String replicationUser,
                               String replicationPassword, Duration startupTimeout) {

    /** Validates the settings. */
    public TopologySettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(appUser, "appUser");
        Objects.requireNonNull(appPassword, "appPassword");
        Objects.requireNonNull(replicationUser, "replicationUser");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
    }

    /** Key for caching prepared data (e.g. the local template data directory) across topologies. */
    String templateKey() {
        return String.join("\u0000", database, appUser, appPassword, replicationUser, replicationPassword);
    }
}
