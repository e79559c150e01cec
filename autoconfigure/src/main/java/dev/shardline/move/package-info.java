/**
 * The exact row-copy engine of key moves: preflight checks that a table can be moved, a copy
 * of one key's rows that keeps every value byte for byte, a catch-up that makes the target
 * equal to the source, and a server-side per-row digest that verifies it.
 */
package dev.shardline.move;
