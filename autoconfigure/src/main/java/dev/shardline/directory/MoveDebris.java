package dev.shardline.directory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Partial copies a rollback could not remove because the target was unreachable
 * ({@code <table>_debris}): recorded, and removed by any instance once the target answers. They
 * are never read as the key's data, since the key is routed to its source.
 */
final class MoveDebris {

	private final ShardDirectory directory;

	private final String table;

	MoveDebris(ShardDirectory directory) {
		this.directory = directory;
		this.table = directory.table() + "_debris";
	}

	static String ddl(String directoryTable) {
		return "CREATE TABLE IF NOT EXISTS " + directoryTable + "_debris (shard VARCHAR(64) NOT NULL, "
				+ "shard_key VARBINARY(255) NOT NULL, recorded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
				+ "PRIMARY KEY (shard, shard_key))";
	}

	void record(String shard, String keyText) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("INSERT IGNORE INTO " + this.table + " (shard, shard_key) VALUES (?, ?)")) {
				statement.setString(1, shard);
				statement.setString(2, keyText);
				statement.executeUpdate();
			}
			return null;
		});
	}

	/** Offers every recorded copy to a remover; those it removed are forgotten. */
	void clean(Remover remover) {
		List<String[]> rows = this.directory.execute((connection) -> {
			List<String[]> found = new ArrayList<>();
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT shard, shard_key FROM " + this.table + " LIMIT 1000");
					ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					found.add(new String[] { rs.getString(1), rs.getString(2) });
				}
			}
			return found;
		});
		for (String[] row : rows) {
			if (remover.remove(row[0], row[1])) {
				this.directory.execute((connection) -> {
					try (PreparedStatement statement = connection
						.prepareStatement("DELETE FROM " + this.table + " WHERE shard = ? AND shard_key = ?")) {
						statement.setString(1, row[0]);
						statement.setString(2, row[1]);
						statement.executeUpdate();
					}
					return null;
				});
			}
		}
	}

	/** Count of recorded copies (endpoint). */
	long size() {
		return this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM " + this.table);
					ResultSet rs = statement.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		});
	}

	@FunctionalInterface
	interface Remover {

		boolean remove(String shard, String keyText);

	}

}
