/**
 * Shard-aware 64-bit IDs: {@link dev.shardline.id.ShardlineIdLayout} says which bits carry
 * time, shard, worker and sequence, and {@link dev.shardline.id.ShardlineIdGenerator} mints
 * them. A key that is such an ID routes by its own bits, without ring or directory.
 */
package dev.shardline.id;
