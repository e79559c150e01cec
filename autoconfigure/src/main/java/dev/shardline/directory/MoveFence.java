package dev.shardline.directory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import dev.shardline.ShardlineException;

/**
 * The server-side fence of one move table on one shard's primary: a fence table holding a row
 * per key that is moving away or has moved away, and {@code BEFORE INSERT/UPDATE/DELETE}
 * triggers that refuse an application's write to a fenced key with SQLSTATE {@code 45000}.
 *
 * <p>Why this is needed on top of instances' acknowledgements: an instance can be paused (a long
 * GC pause, SIGSTOP) between looking a key up and running its statement; when it wakes after the
 * flip, its statement would land on the old owner. The trigger refuses it there.
 *
 * <p>How the fence closes without a race: a key's fence row is created open ({@code fenced = 0})
 * when its move starts. The trigger reads it with a shared lock ({@code LOCK IN SHARE MODE}, which
 * reads the newest committed row whatever the isolation level), and holds that lock until the
 * writing transaction ends. Closing the fence is an {@code UPDATE ... SET fenced = 1}, which needs
 * an exclusive lock on the row: it waits for every transaction that wrote the key's rows since the
 * move started to commit or roll back, and every write after it is refused. So when the close
 * returns, the source holds every change the key will ever get there.
 *
 * <p>Every change of a fence row is stamped with the mover's epoch (the directory entry's version
 * when it claimed the key) and is monotonic in it: a stalled mover's stamp never replaces a newer
 * one. Rows are never deleted; a shard that owns the key again has its row open.
 *
 * <p>Every operation takes one key value or a list of them: a batch of keys moved together is
 * claimed, checked, closed and opened in one statement each.
 *
 * <p>A mover's own session runs in {@code READ COMMITTED} (no gap locks between batches writing
 * one shard) and sets {@code @shardline_mover}, which the triggers let through; it also
 * asks for row-based binary logging, so replicas apply its changes without running triggers.
 */
final class MoveFence {

	/** The session variable that lets a mover's own statements through the triggers. */
	static final String BYPASS = "@shardline_mover";

	private static final int MAX_NAME = 64;

	private final String table;

	private final String keyColumn;

	private final String fenceTable;

	MoveFence(String table, String keyColumn) {
		this.table = table;
		this.keyColumn = keyColumn;
		this.fenceTable = name("shardline_fence_", table, "");
	}

	/** The move table. */
	String table() {
		return this.table;
	}

	/** The fence table's name for a move table. */
	String fenceTable() {
		return this.fenceTable;
	}

	/**
	 * Creates the fence table and triggers if they are missing (idempotent). Creating a trigger
	 * briefly takes the table's metadata lock, so this runs before a move's first phase, never
	 * inside the write pause.
	 */
	void install(Connection connection) throws SQLException {
		String columnType = keyColumnType(connection);
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + this.fenceTable + " (key_value " + columnType
					+ " NOT NULL PRIMARY KEY, fenced TINYINT NOT NULL, epoch BIGINT NOT NULL DEFAULT 0, changed_at TIMESTAMP(6) NOT NULL"
					+ " DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))");
			createTrigger(statement, connection, "bi", "BEFORE INSERT", "NEW." + this.keyColumn, null);
			createTrigger(statement, connection, "bu", "BEFORE UPDATE", "OLD." + this.keyColumn,
					"NEW." + this.keyColumn);
			createTrigger(statement, connection, "bd", "BEFORE DELETE", "OLD." + this.keyColumn, null);
		}
	}

	private void createTrigger(Statement statement, Connection connection, String suffix, String event, String key,
			String secondKey) throws SQLException {
		String trigger = name("shardline_fence_", this.table, "_" + suffix);
		try (PreparedStatement exists = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.TRIGGERS"
				+ " WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME = ?")) {
			exists.setString(1, trigger);
			try (ResultSet rs = exists.executeQuery()) {
				rs.next();
				if (rs.getInt(1) > 0) {
					return;
				}
			}
		}
		String check = check(key) + ((secondKey != null) ? " " + check(secondKey) : "");
		try {
			statement.execute("CREATE TRIGGER " + trigger + " " + event + " ON " + this.table
					+ " FOR EACH ROW BEGIN DECLARE shardline_fenced INT DEFAULT 0; " + check + " END");
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == 1359) {
				return; // created by another mover meanwhile (ER_TRG_ALREADY_EXISTS)
			}
			throw ex;
		}
	}

	private String check(String key) {
		// An aggregate always yields one row (no "no data" warning); the shared lock is what makes
		// closing the fence wait for this transaction.
		return "IF " + BYPASS + " IS NULL THEN SELECT COALESCE(MAX(fenced), 0) INTO shardline_fenced FROM "
				+ this.fenceTable + " WHERE key_value = " + key + " LOCK IN SHARE MODE; IF shardline_fenced = 1 THEN"
				+ " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Shardline: this key is moving or has moved to another"
				+ " shard (fenced on " + this.table + "); retry the work'; END IF; END IF;";
	}

	private String keyColumnType(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_TYPE, CHARACTER_SET_NAME,"
				+ " COLLATION_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
				+ " AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
			statement.setString(1, this.table);
			statement.setString(2, this.keyColumn);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					throw new ShardlineException(
							"Move table " + this.table + " has no key column " + this.keyColumn + " on this shard");
				}
				String dataType = rs.getString(4).toLowerCase();
				if (dataType.endsWith("text") || dataType.endsWith("blob") || dataType.equals("json")) {
					throw new ShardlineException("Move table " + this.table + ": key column " + this.keyColumn
							+ " is " + dataType + ", which cannot be a key; use CHAR/VARCHAR/BINARY/VARBINARY or an integer");
				}
				String type = rs.getString(1);
				if (rs.getString(2) != null) {
					type += " CHARACTER SET " + rs.getString(2) + " COLLATE " + rs.getString(3);
				}
				return type;
			}
		}
	}

	/**
	 * Sets the key's fence row and stamps it with a mover's epoch, whoever stamped it before (a
	 * mover claiming the key, or taking a stalled move over). Open: the key's writes pass (and take
	 * the row's shared lock). Closed: waits (up to the session's lock wait timeout) for every
	 * transaction that wrote the key since the fence opened, then refuses every later write.
	 */
	void claim(Connection connection, Object keyValue, boolean closed, long epoch) throws SQLException {
		// Monotonic in the epoch: an older mover's stamp changes nothing (fenced is assigned
		// first, while epoch still holds the stored value).
		List<?> keys = keys(keyValue);
		StringBuilder sql = new StringBuilder("INSERT INTO ").append(this.fenceTable)
			.append(" (key_value, fenced, epoch) VALUES ");
		for (int i = 0; i < keys.size(); i++) {
			sql.append((i > 0) ? ", (?, ?, ?)" : "(?, ?, ?)");
		}
		sql.append(" ON DUPLICATE KEY UPDATE fenced = IF(VALUES(epoch) >= epoch, VALUES(fenced), fenced),"
				+ " epoch = GREATEST(epoch, VALUES(epoch))");
		try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
			int index = 1;
			for (Object key : keys) {
				statement.setObject(index++, key);
				statement.setInt(index++, closed ? 1 : 0);
				statement.setLong(index++, epoch);
			}
			statement.executeUpdate();
		}
	}

	/**
	 * Opens the key's fence row (writes pass) if it carries no newer epoch. Fence rows are never
	 * deleted, so a stalled mover's stamp can never replace a newer one.
	 */
	void open(Connection connection, Object keyValue, long epoch) throws SQLException {
		claim(connection, keyValue, false, epoch);
	}

	/**
	 * Locks the key's fence row for the rest of the connection's transaction and checks that it
	 * still carries a mover's epoch: a mover that was taken over finds another epoch (or no row)
	 * and must change nothing. Holding the lock keeps a takeover from stamping the row until the
	 * transaction ends, so a step checked this way is never half-overtaken.
	 * @return whether the row carries the epoch
	 */
	boolean holds(Connection connection, Object keyValue, long epoch) throws SQLException {
		List<?> keys = keys(keyValue);
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT epoch FROM " + this.fenceTable + " WHERE key_value IN (" + ShardDirectory.marks(keys.size()) + ") FOR UPDATE")) {
			bind(statement, keys);
			int holding = 0;
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					if (rs.getLong(1) != epoch) {
						return false;
					}
					holding++;
				}
			}
			return holding == keys.size();
		}
	}

	/**
	 * Closes the fence if it still carries the epoch (within the caller's transaction).
	 * @return whether it did
	 */
	boolean close(Connection connection, Object keyValue, long epoch) throws SQLException {
		if (!holds(connection, keyValue, epoch)) {
			return false;
		}
		claim(connection, keyValue, true, epoch);
		return true;
	}

	/**
	 * Waits, on the source, for transactions that changed the key's rows and have not ended (an
	 * uncommitted row holds a lock this read must wait for); the fence already refuses new ones.
	 */
	void awaitWriters(Connection connection, Object keyValue) throws SQLException {
		List<?> keys = keys(keyValue);
		try (PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM " + this.table + " WHERE "
				+ this.keyColumn + " IN (" + ShardDirectory.marks(keys.size()) + ") LOCK IN SHARE MODE")) {
			bind(statement, keys);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
			}
		}
	}

	/**
	 * Marks a session as a mover's: its statements pass the fence triggers, and are logged as
	 * rows so replicas do not run the triggers (best effort where the privilege is missing).
	 * @return the session's settings before, for {@link #leaveMover}
	 */
	static String[] enterMover(Connection connection) throws SQLException {
		String[] before = new String[3];
		// READ COMMITTED: no gap locks for the mover's locking reads and inserts, so batches writing
		// interleaved keys on one shard do not deadlock each other (the fence relies on record locks
		// of existing fence rows, which every isolation level takes).
		before[2] = Integer.toString(connection.getTransactionIsolation());
		connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		try (Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement
				.executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout, @@SESSION.binlog_format")) {
				if (rs.next()) {
					before[0] = rs.getString(1);
					before[1] = rs.getString(2);
				}
			}
			statement.execute("SET " + BYPASS + " = 1");
			try {
				statement.execute("SET SESSION binlog_format = 'ROW'");
			}
			catch (SQLException ex) {
				// No privilege to change it: the server's own format stays.
			}
		}
		return before;
	}

	/** Undoes {@link #enterMover} before the connection returns to its pool. */
	static void leaveMover(Connection connection, String[] before) throws SQLException {
		if (before.length > 2 && before[2] != null) {
			connection.setTransactionIsolation(Integer.parseInt(before[2]));
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET " + BYPASS + " = NULL");
			if (before[0] != null && before[0].matches("[0-9]+")) {
				statement.execute("SET SESSION innodb_lock_wait_timeout = " + before[0]);
			}
			if (before[1] != null && before[1].matches("[A-Z]+")) {
				try {
					statement.execute("SET SESSION binlog_format = '" + before[1] + "'");
				}
				catch (SQLException ex) {
					// As in enterMover.
				}
			}
		}
	}

	/** The keys a fence call acts on: one key value, or a list of them (a batch moved together). */
	private static List<?> keys(Object keyValue) {
		List<?> keys = (keyValue instanceof List<?> list) ? list : List.of(keyValue);
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("A fence call needs at least one key");
		}
		return keys;
	}

	private static void bind(PreparedStatement statement, List<?> keys) throws SQLException {
		for (int i = 0; i < keys.size(); i++) {
			statement.setObject(i + 1, keys.get(i));
		}
	}

	/** A name within MySQL's 64-character limit: long table names get a hash suffix. */
	static String name(String prefix, String table, String suffix) {
		String plain = prefix + table + suffix;
		if (plain.length() <= MAX_NAME) {
			return plain;
		}
		CRC32 crc = new CRC32();
		crc.update(table.getBytes(StandardCharsets.UTF_8));
		String hash = HexFormat.of().toHexDigits((int) crc.getValue());
		return prefix + table.substring(0, MAX_NAME - prefix.length() - suffix.length() - 9) + "_" + hash + suffix;
	}

}
