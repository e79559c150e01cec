package dev.shardline.benchmarks.rebalance.app;

import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads a customer's recent orders the way an application's list page does: one routed
 * {@code @ReadOnly} unit of work (a replica of the key's shard, or its new owner's primary right
 * after a move).
 */
@Component
public class OrderReader {

	private final JdbcTemplate jdbc;

	public OrderReader(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The customer's 20 newest orders' ids.
	 * @param customerId the shard key
	 * @return order ids, newest first
	 */
	@ReadOnly
	public List<Long> recentOrders(@ShardKey long customerId) {
		return this.jdbc.queryForList("SELECT order_id FROM bench_orders WHERE customer_id = ? ORDER BY order_id DESC "
				+ "LIMIT 20", Long.class, customerId);
	}

}
