/**
 * The connection budget: what this application's pools may open on each node, times the
 * instances that run at once, against what each server allows ({@code max_connections}).
 */
package dev.shardline.budget;
