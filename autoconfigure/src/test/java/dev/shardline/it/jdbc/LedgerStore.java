package dev.shardline.it.jdbc;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;

/** Ledger rows with globally unique ids, the kind of table a key move carries. */
public class LedgerStore {

	private final JdbcTemplate jdbc;

	public LedgerStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void add(@ShardKey long customerId, String id, long amount) {
		this.jdbc.update("INSERT INTO ledger (id, customer_id, amount) VALUES (?, ?, ?)", id, customerId, amount);
	}

	/** A row whose own id is a Shardline ID: it routes by the ID's bits. */
	public void addWithId(@ShardKey(shardlineId = true) long id, long customerId) {
		this.jdbc.update("INSERT INTO ledger (id, customer_id, amount) VALUES (?, ?, 0)", Long.toString(id), customerId);
	}

	public int update(@ShardKey long customerId, String id, long amount) {
		return this.jdbc.update("UPDATE ledger SET amount = ? WHERE customer_id = ? AND id = ?", amount, customerId, id);
	}

	public int delete(@ShardKey long customerId, String id) {
		return this.jdbc.update("DELETE FROM ledger WHERE customer_id = ? AND id = ?", customerId, id);
	}

	@ReadOnly
	public java.util.List<String> ids(@ShardKey long customerId) {
		return this.jdbc.queryForList("SELECT id FROM ledger WHERE customer_id = ?", String.class, customerId);
	}

	/** The key's row ids, read on its primary (not {@code @ReadOnly}). */
	public java.util.List<String> idsOnPrimary(@ShardKey long customerId) {
		return this.jdbc.queryForList("SELECT id FROM ledger WHERE customer_id = ?", String.class, customerId);
	}

	@ReadOnly
	public long count(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE customer_id = ?", Long.class, customerId);
	}

}
