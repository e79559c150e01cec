package dev.shardline.test;

/**
 * What a {@link TopologyProvider} must start for one node.
 *
 * @param name      node name, e.g. {@code shard-0-replica-0}
 * @param shortName short, path-friendly name, e.g. {@code s0r0} (keeps unix socket paths under 108 bytes)
 * @param serverId  {@code server_id}, unique across the topology
 * @param readOnly  whether the server starts read-only (replicas do)
 */
public record NodeSpec(String name, String shortName, int serverId, boolean readOnly) {
}
