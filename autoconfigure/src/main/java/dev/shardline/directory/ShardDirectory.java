package dev.shardline.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shardline.ShardMovingException;
import dev.shardline.ShardlineException;
import dev.shardline.routing.KeyDirectory;

/**
 * Directory-based sharding: a table of key to shard assignments (on one node, by default the
 * default shard's primary) that routing asks before the ring. Look-ups go through a bounded
 * Caffeine cache (misses cached too) that expires after {@code cache-ttl}, the bound on how
 * stale another instance's view may be; changes made here invalidate this instance's entry at
 * once. The directory reads and writes its table on its own connections, never inside the
 * application's transaction.
 */
public final class ShardDirectory implements KeyDirectory {

	private final Supplier<DataSource> node;

	private final String table;

	private final boolean assignOnFirstWrite;

	private final Duration cacheTtl;

	private final Cache<Object, Optional<DirectoryEntry>> cache;

	/**
	 * Creates the directory.
	 * @param node the pool of the node holding the table (resolved per use: it follows promotions)
	 * @param table the table name
	 * @param cacheSize the most entries cached
	 * @param cacheTtl how long a cached entry (or miss) is trusted
	 * @param assignOnFirstWrite whether the strategy's choice is recorded on a key's first write
	 */
	public ShardDirectory(Supplier<DataSource> node, String table, long cacheSize, Duration cacheTtl,
			boolean assignOnFirstWrite) {
		if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
			throw new IllegalArgumentException("Invalid directory table name '" + table + "'");
		}
		this.node = node;
		this.table = table;
		this.assignOnFirstWrite = assignOnFirstWrite;
		this.cacheTtl = cacheTtl;
		this.cache = Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(cacheTtl).recordStats().build();
	}

	/** The directory table's DDL. */
	public static String ddl(String table) {
		return "CREATE TABLE IF NOT EXISTS " + table + " (" + "shard_key VARCHAR(255) NOT NULL PRIMARY KEY, "
				+ "shard VARCHAR(64) NOT NULL, " + "state VARCHAR(16) NOT NULL, " + "other_shard VARCHAR(64) NULL, "
				+ "version BIGINT NOT NULL, " + "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
				+ "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))";
	}

	/** Creates the table if it is missing. */
	public void createTable() {
		execute((connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(ddl(this.table));
			}
			return null;
		});
	}

	/** How long a cached entry is trusted: the bound on other instances' staleness. */
	public Duration cacheTtl() {
		return this.cacheTtl;
	}

	@Override
	public String shardFor(Object key, boolean write, String strategyShard) {
		Object cacheKey = DirectoryKeys.normalize(key);
		Optional<DirectoryEntry> entry = this.cache.get(cacheKey, (k) -> read(key));
		if (entry.isEmpty()) {
			if (write && this.assignOnFirstWrite) {
				DirectoryEntry assigned = assign(key, strategyShard);
				return assigned.shard();
			}
			return null;
		}
		DirectoryEntry found = entry.get();
		if (write && found.state() == DirectoryEntry.State.MOVING) {
			throw new ShardMovingException(key, found.shard(), found.otherShard());
		}
		return found.shard();
	}

	/**
	 * The key's entry, read from the table (not the cache).
	 * @param key the key
	 * @return the entry, if any
	 */
	public Optional<DirectoryEntry> entry(Object key) {
		return read(key);
	}

	/**
	 * Pins a key to a shard (creating or replacing its entry) and drops this instance's cached
	 * view; other instances see it within the cache TTL. Refused while the key is moving.
	 * @param key the key
	 * @param shard the shard to own it
	 * @return the new entry
	 */
	public DirectoryEntry pin(Object key, String shard) {
		String text = DirectoryKeys.text(key);
		DirectoryEntry result = execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.table
					+ " (shard_key, shard, state, other_shard, version) VALUES (?, ?, 'ACTIVE', NULL, 1)"
					+ " ON DUPLICATE KEY UPDATE shard = CASE WHEN state = 'ACTIVE' THEN VALUES(shard) ELSE shard END,"
					+ " version = CASE WHEN state = 'ACTIVE' THEN version + 1 ELSE version END")) {
				statement.setString(1, text);
				statement.setString(2, shard);
				statement.executeUpdate();
			}
			return readIn(connection, text).orElseThrow();
		});
		invalidate(key);
		if (result.state() != DirectoryEntry.State.ACTIVE || !result.shard().equals(shard)) {
			throw new ShardMovingException(key, result.shard(), result.otherShard());
		}
		return result;
	}

	/**
	 * Records a key's owner unless it already has one; two instances doing so at once agree
	 * on one owner (the table's primary key decides).
	 * @param key the key
	 * @param shard the owner to record if none is
	 * @return the key's entry, whoever wrote it
	 */
	public DirectoryEntry assign(Object key, String shard) {
		String text = DirectoryKeys.text(key);
		DirectoryEntry result = execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT IGNORE INTO " + this.table
					+ " (shard_key, shard, state, other_shard, version) VALUES (?, ?, 'ACTIVE', NULL, 1)")) {
				statement.setString(1, text);
				statement.setString(2, shard);
				statement.executeUpdate();
			}
			return readIn(connection, text).orElseThrow();
		});
		this.cache.put(DirectoryKeys.normalize(key), Optional.of(result));
		return result;
	}

	/**
	 * Replaces an entry if its version is still the expected one (moves use it).
	 * @return whether the entry was replaced
	 */
	boolean compareAndSet(String keyText, long expectedVersion, String shard, DirectoryEntry.State state,
			String otherShard) {
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.table
					+ " SET shard = ?, state = ?, other_shard = ?, version = version + 1 WHERE shard_key = ? AND version = ?")) {
				statement.setString(1, shard);
				statement.setString(2, state.name());
				statement.setString(3, otherShard);
				statement.setString(4, keyText);
				statement.setLong(5, expectedVersion);
				return statement.executeUpdate() == 1;
			}
		});
	}

	/** Inserts an entry for a key that has none (a move of a ring-owned key); false when one exists. */
	boolean insertIfAbsent(String keyText, String shard, DirectoryEntry.State state, String otherShard) {
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT IGNORE INTO " + this.table
					+ " (shard_key, shard, state, other_shard, version) VALUES (?, ?, ?, ?, 1)")) {
				statement.setString(1, keyText);
				statement.setString(2, shard);
				statement.setString(3, state.name());
				statement.setString(4, otherShard);
				return statement.executeUpdate() == 1;
			}
		});
	}

	Optional<DirectoryEntry> readText(String keyText) {
		return execute((connection) -> readIn(connection, keyText));
	}

	/**
	 * Entries in a state whose last change is older than the given age (moves left behind).
	 * @param state the state
	 * @param olderThan minimum age
	 * @return the entries
	 */
	List<DirectoryEntry> entriesIn(DirectoryEntry.State state, Duration olderThan) {
		return execute((connection) -> {
			List<DirectoryEntry> entries = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT shard_key, shard, state, other_shard, version FROM "
					+ this.table + " WHERE state = ? AND updated_at <= NOW(6) - INTERVAL ? MICROSECOND")) {
				statement.setString(1, state.name());
				statement.setLong(2, olderThan.toNanos() / 1000);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						entries.add(entry(rs));
					}
				}
			}
			return entries;
		});
	}

	/**
	 * Every ACTIVE entry (for rebalance planning).
	 * @return the entries
	 */
	public List<DirectoryEntry> activeEntries() {
		return execute((connection) -> {
			List<DirectoryEntry> entries = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT shard_key, shard, state, other_shard, version FROM "
							+ this.table + " WHERE state = 'ACTIVE' ORDER BY shard_key")) {
				while (rs.next()) {
					entries.add(entry(rs));
				}
			}
			return entries;
		});
	}

	/** Drops this instance's cached view of a key. */
	public void invalidate(Object key) {
		this.cache.invalidate(DirectoryKeys.normalize(key));
	}

	/** Drops this instance's whole cache. */
	public void invalidateAll() {
		this.cache.invalidateAll();
	}

	/** Cached entries (hits and misses). */
	public long cacheSize() {
		return this.cache.estimatedSize();
	}

	/** Share of look-ups served from the cache since startup (0 when none yet). */
	public double cacheHitRatio() {
		return this.cache.stats().hitRate();
	}

	/** Number of rows in the directory table. */
	public long size() {
		return execute((connection) -> {
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + this.table)) {
				rs.next();
				return rs.getLong(1);
			}
		});
	}

	private Optional<DirectoryEntry> read(Object key) {
		String text = DirectoryKeys.text(key);
		return execute((connection) -> readIn(connection, text));
	}

	private Optional<DirectoryEntry> readIn(Connection connection, String text) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT shard_key, shard, state, other_shard, version FROM " + this.table + " WHERE shard_key = ?")) {
			statement.setString(1, text);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
			}
		}
	}

	private static DirectoryEntry entry(ResultSet rs) throws SQLException {
		return new DirectoryEntry(rs.getString(1), rs.getString(2), DirectoryEntry.State.valueOf(rs.getString(3)),
				rs.getString(4), rs.getLong(5));
	}

	private <T> T execute(SqlWork<T> work) {
		try (Connection connection = this.node.get().getConnection()) {
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
			return work.run(connection);
		}
		catch (SQLException ex) {
			throw new ShardlineException("Directory table " + this.table + " could not be used: " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	interface SqlWork<T> {

		T run(Connection connection) throws SQLException;

	}

}
