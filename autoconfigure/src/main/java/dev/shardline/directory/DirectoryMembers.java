package dev.shardline.directory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The application instances using a directory, and how far each has followed its change log
 * ({@code <table>_instances}). Each instance's {@link DirectorySync} renews its row every check
 * interval with the last change it applied; a mover waits until every live instance has
 * acknowledged a change. An instance whose row was not renewed within the lease (judged by the
 * directory server's own clock, so instances' clocks don't matter) is counted out.
 */
final class DirectoryMembers {

	private final ShardDirectory directory;

	private final String table;

	DirectoryMembers(ShardDirectory directory) {
		this.directory = directory;
		this.table = directory.table() + "_instances";
	}

	/** The instances table's DDL. */
	static String ddl(String directoryTable) {
		return "CREATE TABLE IF NOT EXISTS " + directoryTable + "_instances (instance_id VARCHAR(64) NOT NULL PRIMARY KEY, "
				+ "seen_seq BIGINT NOT NULL, renewed_at TIMESTAMP(6) NOT NULL, assigns TINYINT NOT NULL DEFAULT 0, "
				+ "started_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))";
	}

	/** Records that an instance has applied every change up to a sequence number (and is alive). */
	void acknowledge(String instance, long seenSeq) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.table
					+ " (instance_id, seen_seq, renewed_at, assigns) VALUES (?, ?, NOW(6), ?)"
					+ " ON DUPLICATE KEY UPDATE seen_seq = VALUES(seen_seq), renewed_at = NOW(6), assigns = VALUES(assigns)")) {
				statement.setString(1, instance);
				statement.setLong(2, seenSeq);
				statement.setInt(3, this.directory.assignsOnFirstWrite() ? 1 : 0);
				statement.executeUpdate();
			}
			return null;
		});
	}

	/** Removes an instance that is shutting down, so no mover waits for it. */
	void leave(String instance) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("DELETE FROM " + this.table + " WHERE instance_id = ?")) {
				statement.setString(1, instance);
				statement.executeUpdate();
			}
			return null;
		});
	}

	/**
	 * The live instances that have not yet applied a change.
	 * @param seq the change's sequence number
	 * @param lease how recently an instance must have renewed its row to count as live
	 * @return their ids (empty: every live instance has acknowledged)
	 */
	List<String> notYetAcknowledged(long seq, Duration lease) {
		return this.directory.execute((connection) -> {
			List<String> laggards = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT instance_id FROM " + this.table
					+ " WHERE seen_seq < ? AND renewed_at > NOW(6) - INTERVAL ? MICROSECOND")) {
				statement.setLong(1, seq);
				statement.setLong(2, lease.toNanos() / 1000);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						laggards.add(rs.getString(1));
					}
				}
			}
			return laggards;
		});
	}

	/**
	 * Live instances that do not record new keys on their first write.
	 * @param lease the lease
	 * @return their ids
	 */
	List<String> notAssigning(Duration lease) {
		return this.directory.execute((connection) -> {
			List<String> found = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT instance_id FROM " + this.table
					+ " WHERE assigns = 0 AND renewed_at > NOW(6) - INTERVAL ? MICROSECOND")) {
				statement.setLong(1, lease.toNanos() / 1000);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						found.add(rs.getString(1));
					}
				}
			}
			return found;
		});
	}

	/**
	 * The lowest change-log position acknowledged by a live instance.
	 * @param lease the lease
	 * @return the position (0 when no instance is live)
	 */
	long appliedByAll(Duration lease) {
		return this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT COALESCE(MIN(seen_seq), 0) FROM "
					+ this.table + " WHERE renewed_at > NOW(6) - INTERVAL ? MICROSECOND")) {
				statement.setLong(1, lease.toNanos() / 1000);
				try (ResultSet rs = statement.executeQuery()) {
					rs.next();
					return rs.getLong(1);
				}
			}
		});
	}

}
