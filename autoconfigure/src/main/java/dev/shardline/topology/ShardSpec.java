package dev.shardline.topology;

import java.util.List;

/**
 * What a shard is built from.
 *
 * @param name the shard's name
 * @param weight ring weight
 * @param primary the primary
 * @param replicas the replicas, in configuration order
 */
public record ShardSpec(String name, int weight, NodeSpec primary, List<NodeSpec> replicas) {
}
