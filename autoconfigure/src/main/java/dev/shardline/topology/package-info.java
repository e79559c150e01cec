/**
 * The configured shards and nodes, each node with its own HikariCP pool.
 */
package dev.shardline.topology;
