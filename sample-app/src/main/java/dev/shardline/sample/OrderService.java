package dev.shardline.sample;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;
import dev.shardline.id.ShardlineIds;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders, sharded by customer id: writes go to the customer's shard primary, reads marked
 * {@code @ReadOnly} to one of its replicas.
 */
@Service
public class OrderService {

	private final JdbcTemplate jdbc;

	private final ShardlineIds ids;

	public OrderService(JdbcTemplate jdbc, ShardlineIds ids) {
		this.jdbc = jdbc;
		this.ids = ids;
	}

	/** Places an order on the customer's shard; creates the customer row on first use. */
	@Transactional
	public Order placeOrder(@ShardKey long customerId, long amountCents) {
		Integer known = this.jdbc.queryForObject("SELECT COUNT(*) FROM customers WHERE id = ?", Integer.class,
				customerId);
		if (known == null || known == 0) {
			this.jdbc.update("INSERT INTO customers (id, name) VALUES (?, ?)", customerId, "customer-" + customerId);
		}
		Instant now = Instant.now();
		// A Shardline ID on the customer's shard: unique across shards, so the customer's rows can move.
		long id = this.ids.nextFor(customerId);
		this.jdbc.update("INSERT INTO orders (id, customer_id, amount_cents, created_at) VALUES (?, ?, ?, ?)", id,
				customerId, amountCents, Timestamp.from(now));
		return new Order(id, customerId, amountCents, now);
	}

	/** One order by its ID, which carries its shard. */
	@ReadOnly
	public List<Order> order(@ShardKey(shardlineId = true) long orderId) {
		return this.jdbc.query("SELECT id, customer_id, amount_cents, created_at FROM orders WHERE id = ?",
				(rs, row) -> new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant()),
				orderId);
	}

	/** A customer's orders, from a replica of the customer's shard where there is one. */
	@ReadOnly
	public List<Order> ordersOf(@ShardKey long customerId) {
		return this.jdbc.query(
				"SELECT id, customer_id, amount_cents, created_at FROM orders WHERE customer_id = ? ORDER BY id",
				(rs, row) -> new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant()),
				customerId);
	}

}
