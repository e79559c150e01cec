package dev.shardline.it.jdbc;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Annotations on a concrete class. */
public class OrderStore {

	private final JdbcTemplate jdbc;

	public OrderStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(@ShardKey long customerId, long amount) {
		this.jdbc.update("INSERT INTO orders (customer_id, amount) VALUES (?, ?)", customerId, amount);
	}

	/** Key taken from a property of the argument. */
	public void insert(@ShardKey("customerId") OrderLine line) {
		this.jdbc.update("INSERT INTO orders (customer_id, amount, note) VALUES (?, ?, 'line')", line.customerId(),
				line.amount());
	}

	@ReadOnly
	public long serverIdForRead(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	public long serverIdForWrite(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	/** A boxed key, which may be null (a missing key). */
	public long serverIdForBoxedKey(@ShardKey Long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	@ReadOnly(group = "analytics")
	public long serverIdForReport(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	/** The logging MDC's route entries right after a read-only query. */
	@ReadOnly
	public String mdcAfterRead(@ShardKey long customerId) {
		this.jdbc.queryForObject("SELECT 1", Integer.class);
		return org.slf4j.MDC.get("shardline.node") + "|" + org.slf4j.MDC.get("shardline.role") + "|"
				+ org.slf4j.MDC.get("shardline.reason");
	}

	/** [orders of the customer, server id] as seen by a read-only route. */
	@ReadOnly
	public long[] countAndServerId(@ShardKey long customerId) {
		long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE customer_id = ?", Long.class,
				customerId);
		return new long[] { count, this.jdbc.queryForObject("SELECT @@server_id", Long.class) };
	}

	/** Many statements in one routed call: all must hit one node. */
	@ReadOnly
	public java.util.Set<Long> serverIdsOfManyStatements(@ShardKey long customerId, int statements) {
		java.util.Set<Long> ids = new java.util.HashSet<>();
		for (int i = 0; i < statements; i++) {
			ids.add(this.jdbc.queryForObject("SELECT @@server_id", Long.class));
		}
		return ids;
	}

	/** Unkeyed read: global tables on the default shard, or the enclosing route's shard. */
	@ReadOnly
	public long unkeyedServerIdForRead() {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	public long unroutedServerId() {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void insertInOwnTransaction(@ShardKey long customerId, long amount) {
		insert(customerId, amount);
	}

	@Transactional(readOnly = true)
	public long serverIdInReadOnlyTransaction(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	/**
	 * An order line.
	 *
	 * @param customerId the customer
	 * @param amount the amount
	 */
	public record OrderLine(long customerId, long amount) {
	}

}
