package dev.shardline.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.shardline.ShardlineException;
import dev.shardline.routing.ShardRouter;
import dev.shardline.topology.Shard;

/**
 * Records every existing key of the move tables in the directory with the shard its rows are on,
 * so that changing the ring afterwards moves no key by itself (README: "Adding a shard").
 *
 * <p>It walks each move table's key column on each shard's primary in key order, in batches, and
 * inserts an ACTIVE entry for every key not recorded yet ({@code INSERT IGNORE}: an entry written
 * meanwhile — a first write, a pin, a move — wins). Its position per shard and table is kept in
 * {@code <table>_backfill}, so a backfill that stops resumes where it stopped, on any instance.
 * Keys first written while it runs are recorded by the instance that writes them, which is why it
 * refuses to start unless every live instance records new keys on their first write
 * ({@code shardline.directory.assign-on-first-write: true}).
 */
public final class DirectoryBackfill {

	private final ShardDirectory directory;

	private final DirectorySync sync;

	private final ShardRouter router;

	private final Map<String, String> tables;

	private final KeyType keyType;

	private final int batchKeys;

	private final String progressTable;

	/**
	 * Creates a backfill.
	 * @param directory the directory
	 * @param sync this instance's sync (which instances are live, and whether they record new keys)
	 * @param router the router (the shards)
	 * @param tables move tables and their key columns
	 * @param keyType how the key column's values become keys (as the application passes them to {@code @ShardKey})
	 * @param batchKeys keys per batch
	 */
	public DirectoryBackfill(ShardDirectory directory, DirectorySync sync, ShardRouter router,
			Map<String, String> tables, KeyType keyType, int batchKeys) {
		this.directory = directory;
		this.sync = sync;
		this.router = router;
		this.tables = new LinkedHashMap<>(tables);
		this.keyType = keyType;
		this.batchKeys = batchKeys;
		this.progressTable = directory.table() + "_backfill";
	}

	/** The progress table's DDL. */
	static String ddl(String directoryTable) {
		return "CREATE TABLE IF NOT EXISTS " + directoryTable + "_backfill (shard VARCHAR(64) NOT NULL, "
				+ "table_name VARCHAR(64) NOT NULL, last_key VARCHAR(255) NULL, done TINYINT NOT NULL DEFAULT 0, "
				+ "keys_seen BIGINT NOT NULL DEFAULT 0, updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) "
				+ "ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (shard, table_name))";
	}

	/**
	 * Runs (or resumes) the backfill to the end.
	 * @param listener told after every batch
	 * @return the final progress
	 * @throws ShardlineException when a live instance does not record new keys on first write
	 */
	public Progress run(Consumer<Progress> listener) {
		if (this.tables.isEmpty()) {
			throw new ShardlineException("A directory backfill reads the keys of shardline.directory.move-tables; none is configured");
		}
		List<String> notAssigning = this.sync.instancesNotAssigning();
		if (!notAssigning.isEmpty()) {
			throw new ShardlineException("Cannot backfill the directory: instances " + notAssigning + " do not record "
					+ "new keys on their first write, so a key they create during the backfill could be missed. Set "
					+ "shardline.directory.assign-on-first-write: true on every instance (a rolling restart), then "
					+ "run the backfill again.");
		}
		for (Shard shard : this.router.topology().shards()) {
			for (Map.Entry<String, String> table : this.tables.entrySet()) {
				backfill(shard, table.getKey(), table.getValue(), listener);
			}
		}
		Progress progress = progress();
		if (progress.complete()) {
			new DirectoryMeta(this.directory).put(DirectoryMeta.BACKFILL, DirectoryMeta.COMPLETE);
		}
		listener.accept(progress);
		return progress;
	}

	private void backfill(Shard shard, String table, String column, Consumer<Progress> listener) {
		Part part = part(shard.name(), table);
		while (!part.done) {
			List<Object> keys = scan(shard, table, column, part.lastKey);
			record(keys, shard.name());
			part.done = keys.size() < this.batchKeys;
			if (!keys.isEmpty()) {
				part.lastKey = keyText(keys.get(keys.size() - 1));
			}
			part.seen += keys.size();
			save(shard.name(), table, part);
			listener.accept(progress());
		}
	}

	private List<Object> scan(Shard shard, String table, String column, String after) {
		String sql = "SELECT DISTINCT " + column + " FROM " + table + ((after != null) ? " WHERE " + column + " > ?" : "")
				+ " ORDER BY " + column + " LIMIT " + this.batchKeys;
		try (Connection connection = shard.currentPrimary().dataSource().getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			if (after != null) {
				statement.setObject(1, DirectoryKeys.sqlValue(parseKey(after)));
			}
			List<Object> keys = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				KeyType type = (this.keyType != KeyType.AUTO) ? this.keyType : infer(rs.getMetaData().getColumnTypeName(1));
				while (rs.next()) {
					keys.add(switch (type) {
						case LONG -> rs.getLong(1);
						case UUID -> UUID.fromString(rs.getString(1));
						case BYTES -> rs.getBytes(1);
						default -> rs.getString(1);
					});
				}
			}
			return keys;
		}
		catch (SQLException ex) {
			throw new ShardlineException("Backfill: reading the keys of " + table + " on " + shard.name()
					+ " failed: " + ex.getMessage(), ex);
		}
	}

	private void record(List<Object> keys, String shard) {
		if (keys.isEmpty()) {
			return;
		}
		StringBuilder sql = new StringBuilder("INSERT IGNORE INTO " + this.directory.table()
				+ " (shard_key, shard, state, other_shard, version) VALUES ");
		for (int i = 0; i < keys.size(); i++) {
			sql.append((i > 0) ? ", " : "").append("(?, ?, 'ACTIVE', NULL, 1)");
		}
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
				int i = 1;
				for (Object key : keys) {
					statement.setString(i++, DirectoryKeys.text(key));
					statement.setString(i++, shard);
				}
				statement.executeUpdate();
			}
			return null;
		});
	}

	/** Progress over every shard and move table. */
	public Progress progress() {
		return this.directory.execute((connection) -> {
			long seen = 0;
			int done = 0;
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT COALESCE(SUM(keys_seen), 0), COALESCE(SUM(done), 0) FROM " + this.progressTable);
					ResultSet rs = statement.executeQuery()) {
				rs.next();
				seen = rs.getLong(1);
				done = rs.getInt(2);
			}
			int total = this.router.topology().shards().size() * this.tables.size();
			return new Progress(seen, done, total, done >= total);
		});
	}

	private Part part(String shard, String table) {
		return this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(
					"SELECT last_key, done, keys_seen FROM " + this.progressTable + " WHERE shard = ? AND table_name = ?")) {
				statement.setString(1, shard);
				statement.setString(2, table);
				try (ResultSet rs = statement.executeQuery()) {
					Part part = new Part();
					if (rs.next()) {
						part.lastKey = rs.getString(1);
						part.done = rs.getInt(2) == 1;
						part.seen = rs.getLong(3);
					}
					return part;
				}
			}
		});
	}

	private void save(String shard, String table, Part part) {
		this.directory.execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.progressTable
					+ " (shard, table_name, last_key, done, keys_seen) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
					+ "last_key = VALUES(last_key), done = VALUES(done), keys_seen = VALUES(keys_seen)")) {
				statement.setString(1, shard);
				statement.setString(2, table);
				statement.setString(3, part.lastKey);
				statement.setInt(4, part.done ? 1 : 0);
				statement.setLong(5, part.seen);
				statement.executeUpdate();
			}
			return null;
		});
	}

	private static String keyText(Object key) {
		return DirectoryKeys.text(key);
	}

	private static Object parseKey(String text) {
		return DirectoryKeys.parse(text);
	}

	private static KeyType infer(String columnType) {
		String type = columnType.toUpperCase(Locale.ROOT);
		if (type.contains("INT")) {
			return KeyType.LONG;
		}
		if (type.contains("BINARY") || type.contains("BLOB")) {
			return KeyType.BYTES;
		}
		return KeyType.STRING;
	}

	/** How a key column's values become the keys the application routes by. */
	public enum KeyType {

		/** From the column's type: integers are numbers, binaries are bytes, the rest strings. */
		AUTO,

		/** An integral number ({@code long}). */
		LONG,

		/** A string. */
		STRING,

		/** A UUID, stored as its 36-character text. */
		UUID,

		/** Bytes. */
		BYTES

	}

	/**
	 * How far a backfill got.
	 *
	 * @param keysSeen keys read so far over all shards and tables (a key in two tables counts twice)
	 * @param partsDone shard and table pairs finished
	 * @param partsTotal shard and table pairs in all
	 * @param complete whether every pair is finished
	 */
	public record Progress(long keysSeen, int partsDone, int partsTotal, boolean complete) {
	}

	private static final class Part {

		String lastKey;

		boolean done;

		long seen;

	}

}
