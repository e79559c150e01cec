package dev.shardline.directory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * Facts about the directory as a whole ({@code <table>_meta}): the placement the existing keys
 * were written with, and whether a backfill has recorded them all.
 */
final class DirectoryMeta {

	/** The strategy (ring or ranges) keys were placed with before they were all recorded. */
	static final String PLACEMENT = "placement";

	/** {@value #COMPLETE} once a backfill recorded every key. */
	static final String BACKFILL = "backfill";

	static final String COMPLETE = "complete";

	private final ShardDirectory directory;

	private final String table;

	DirectoryMeta(ShardDirectory directory) {
		this.directory = directory;
		this.table = directory.table() + "_meta";
	}

	static String ddl(String directoryTable) {
		return "CREATE TABLE IF NOT EXISTS " + directoryTable
				+ "_meta (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, meta_value VARCHAR(4000) NOT NULL)";
	}

	Optional<String> get(String name) {
		return this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT meta_value FROM " + this.table + " WHERE meta_key = ?")) {
				statement.setString(1, name);
				try (ResultSet rs = statement.executeQuery()) {
					return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
				}
			}
		});
	}

	void put(String name, String value) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.table
					+ " (meta_key, meta_value) VALUES (?, ?) ON DUPLICATE KEY UPDATE meta_value = VALUES(meta_value)")) {
				statement.setString(1, name);
				statement.setString(2, value);
				statement.executeUpdate();
			}
			return null;
		});
	}

	/** Records a value unless one is there; returns what is there afterwards. */
	String putIfAbsent(String name, String value) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("INSERT IGNORE INTO " + this.table + " (meta_key, meta_value) VALUES (?, ?)")) {
				statement.setString(1, name);
				statement.setString(2, value);
				statement.executeUpdate();
			}
			return null;
		});
		return get(name).orElse(value);
	}

}
