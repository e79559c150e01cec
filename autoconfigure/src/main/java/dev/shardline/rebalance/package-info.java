/**
 * Bulk rebalancing of directory keys when a shard is added or removed: a durable plan in the
 * directory's database, a lag-throttled executor that moves keys in batches per shard pair and
 * resumes on any instance, and the routing side of draining a shard.
 */
package dev.shardline.rebalance;
