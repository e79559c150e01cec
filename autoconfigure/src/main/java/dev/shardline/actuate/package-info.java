/**
 * Observability: the {@code shardline} Actuator endpoint, health contributor and meters.
 */
package dev.shardline.actuate;
