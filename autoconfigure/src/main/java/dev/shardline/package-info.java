/**
 * Shardline: routes JDBC work to MySQL shards and replicas. This package holds the exception
 * hierarchy; the features live in the sub-packages.
 */
package dev.shardline;
