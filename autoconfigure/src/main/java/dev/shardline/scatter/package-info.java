/**
 * Scatter-gather: work that fans out to several shards in parallel, with merged results and
 * an explicit policy for shards that fail or time out.
 */
package dev.shardline.scatter;
