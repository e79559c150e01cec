package dev.shardline.sample;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders, sharded by customer id: writes go to the customer's shard primary, reads marked
 * {@code @ReadOnly} to one of its replicas.
 */
@Service
public class OrderService {

	private final JdbcTemplate jdbc;

	public OrderService(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
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
		GeneratedKeyHolder keys = new GeneratedKeyHolder();
		this.jdbc.update((connection) -> {
			var statement = connection.prepareStatement(
					"INSERT INTO orders (customer_id, amount_cents, created_at) VALUES (?, ?, ?)", new String[] { "id" });
			statement.setLong(1, customerId);
			statement.setLong(2, amountCents);
			statement.setTimestamp(3, Timestamp.from(now));
			return statement;
		}, keys);
		return new Order(keys.getKey().longValue(), customerId, amountCents, now);
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
