/**
 * Auto-configuration: properties, their validation and failure analysis, and the beans that
 * assemble Shardline.
 */
package dev.shardline.autoconfigure;
