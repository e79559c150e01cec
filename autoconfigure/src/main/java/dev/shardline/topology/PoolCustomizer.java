package dev.shardline.topology;

import com.zaxxer.hikari.HikariConfig;

/**
 * Adjusts every node's pool configuration before the pool starts (e.g. attaches a metrics
 * tracker). Declare beans of this type; they run in order.
 */
@FunctionalInterface
public interface PoolCustomizer {

	/**
	 * Customizes one pool.
	 * @param config the pool's configuration, its name already set
	 */
	void customize(HikariConfig config);

}
