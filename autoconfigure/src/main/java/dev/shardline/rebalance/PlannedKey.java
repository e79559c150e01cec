package dev.shardline.rebalance;

/**
 * One key of a plan.
 *
 * @param key the key's stored text (as in the directory)
 * @param from the shard it is on
 * @param to the shard it goes to
 * @param rows rows it held in the move tables when planned
 */
public record PlannedKey(String key, String from, String to, long rows) {
}
