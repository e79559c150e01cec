/**
 * How keys are assigned to shards: the {@link dev.shardline.strategy.ShardingStrategy} SPI,
 * its ring and range implementations, and key converters.
 */
package dev.shardline.strategy;
