/**
 * Replica health and GTID positions for MySQL and MariaDB: replica status, position comparison and
 * bounded server-side waits for a position.
 */
package dev.shardline.replication;
