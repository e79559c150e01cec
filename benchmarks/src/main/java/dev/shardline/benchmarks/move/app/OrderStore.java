package dev.shardline.benchmarks.move.app;

import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;

import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Orders of a customer (the shard key), written the way an application does: one routed unit
 * of work per call, through {@code JdbcTemplate}.
 */
@Component
public class OrderStore {

	/** The moved table: the kinds of columns an order table has (the move copies each exactly). */
	public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bench_orders ("
			+ "customer_id BIGINT NOT NULL, order_id BIGINT NOT NULL, "
			+ "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), updated_at DATETIME(6) NULL, "
			+ "status VARCHAR(16) NOT NULL, sku VARCHAR(64) NOT NULL, quantity INT NOT NULL, "
			+ "amount DECIMAL(12,2) NOT NULL, note VARCHAR(255) NULL, attrs JSON NULL, "
			+ "PRIMARY KEY (customer_id, order_id))";

	static final String INSERT = "INSERT INTO bench_orders (customer_id, order_id, status, sku, quantity, amount,"
			+ " note, attrs) VALUES (?, ?, 'NEW', ?, ?, ?, ?, ?)";

	private static final String[] STATUSES = { "PAID", "PACKED", "SHIPPED", "DELIVERED", "RETURNED" };

	private final JdbcTemplate jdbc;

	public OrderStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Inserts an order on the primary of the customer's shard.
	 * @param customerId the shard key
	 * @param orderId the order id (unique per customer)
	 */
	public void insert(@ShardKey long customerId, long orderId) {
		Object[] row = row(customerId, orderId);
		this.jdbc.update(INSERT, row);
	}

	/**
	 * Moves an order to its next status (an UPDATE of a few columns).
	 * @param customerId the shard key
	 * @param orderId the order id
	 * @return rows updated
	 */
	public int advance(@ShardKey long customerId, long orderId) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return this.jdbc.update("UPDATE bench_orders SET status = ?, updated_at = NOW(6), amount = ? WHERE "
				+ "customer_id = ? AND order_id = ?", STATUSES[random.nextInt(STATUSES.length)],
				BigDecimal.valueOf(random.nextLong(100, 1_000_000), 2), customerId, orderId);
	}

	/**
	 * Deletes an order.
	 * @param customerId the shard key
	 * @param orderId the order id
	 * @return rows deleted
	 */
	public int delete(@ShardKey long customerId, long orderId) {
		return this.jdbc.update("DELETE FROM bench_orders WHERE customer_id = ? AND order_id = ?", customerId,
				orderId);
	}

	/**
	 * The values of a new order row, in the order of {@link #INSERT}'s parameters.
	 * @param customerId the customer
	 * @param orderId the order id
	 * @return the parameters
	 */
	public static Object[] row(long customerId, long orderId) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int quantity = random.nextInt(1, 10);
		String sku = "SKU-" + random.nextInt(100_000) + "-" + Long.toString(orderId, 36);
		String note = "Leave at the door, ring twice; order " + orderId + " of customer " + customerId
				+ " – déjà vu ✓";
		String attrs = "{\"channel\":\"web\",\"coupon\":" + (random.nextBoolean() ? "\"SPRING24\"" : "null")
				+ ",\"gift\":" + random.nextBoolean() + ",\"items\":[{\"sku\":\"" + sku + "\",\"qty\":" + quantity
				+ "}]}";
		return new Object[] { customerId, orderId, sku, quantity, BigDecimal.valueOf(random.nextLong(100, 1_000_000), 2),
				note, attrs };
	}

}
