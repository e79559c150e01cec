package dev.shardline.autoconfigure;

/**
 * One thing wrong with {@code shardline.*}.
 *
 * @param property the full property path, e.g. {@code shardline.shards.shard-1.replicas[0].url}
 * @param problem what is wrong
 * @param fix what to do
 */
public record ConfigurationProblem(String property, String problem, String fix) {
}
