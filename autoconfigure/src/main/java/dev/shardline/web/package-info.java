/**
 * Web support: carries each shard's last write position to the client and back, so reads
 * after a redirect see the request's own writes.
 */
package dev.shardline.web;
