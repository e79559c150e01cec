package dev.shardline.it.chaos;

import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.jdbc.core.JdbcTemplate;

/** The chaos workload's statements, routed by annotations like an application's. */
public class ChaosStore {

	private final JdbcTemplate jdbc;

	public ChaosStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Writes a row with a unique id on the customer's shard. */
	public void insert(@ShardKey long customerId, long id, String instance) {
		this.jdbc.update("INSERT INTO chaos_write (id, customer_id, instance) VALUES (?, ?, ?)", id, customerId,
				instance);
	}

	/** [the shard's clock value, server id] as seen by a read-only route of the customer. */
	@ReadOnly
	public long[] clock(@ShardKey long customerId) {
		return this.jdbc.queryForObject("SELECT seq, @@server_id FROM chaos_clock WHERE id = 1",
				(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) });
	}

	/** [rows with the id, server id] as seen by a read-only route of the customer. */
	@ReadOnly
	public long[] readBack(@ShardKey long customerId, long id) {
		return this.jdbc.queryForObject("SELECT COUNT(*), @@server_id FROM chaos_write WHERE id = ?",
				(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2) }, id);
	}

}
