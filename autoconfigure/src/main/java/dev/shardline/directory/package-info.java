/**
 * Directory-based sharding: per-key shard assignments, online key moves and rebalance plans.
 */
package dev.shardline.directory;
