package dev.shardline.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shardline.ShardMovingException;
import dev.shardline.ShardlineException;
import dev.shardline.routing.KeyDirectory;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Directory-based sharding: a table of key to shard assignments (on one shard's current
 * primary, by default the default shard's) that routing asks before the ring.
 *
 * <p>Look-ups go through a bounded Caffeine cache (misses cached too). Every change of an entry
 * is also appended to a change log ({@code <table>_log}) in the same transaction; each instance's
 * {@link DirectorySync} reads the log every check interval and drops the changed keys from its
 * cache, so instances see a change within about one interval, and {@code cache-ttl} is only the
 * bound after which an unchanged cached entry is re-read.
 *
 * <p>The directory is not a single point of failure: while its primary is unreachable, look-ups
 * keep working from cached entries (even past {@code cache-ttl}) and from the directory shard's
 * replicas, whose answer counts only when they have applied at least the change log this
 * instance has seen. A look-up never waits longer than {@code connect-timeout} for the
 * directory. Changes (first-write assignment, pins, moves) need the primary and fail fast with
 * {@link DirectoryUnavailableException} without it.
 */
public final class ShardDirectory implements KeyDirectory {

	private static final Log logger = LogFactory.getLog(ShardDirectory.class);

	private static final String COLUMNS = "shard_key, shard, state, other_shard, version";

	/** Keys per statement in the IN lists of batch reads and marks. */
	private static final int IN_LIST_CHUNK = 500;

	private final Supplier<Shard> shard;


	private final String table;

	private final String logTable;

	private final boolean assignOnFirstWrite;

	private final Duration cacheTtl;

	private final long cacheTtlNanos;

	private final int timeoutMillis;

	private final Cache<Object, Cached> cache;

	/** The highest change-log sequence this instance has applied (its floor for replica answers). */
	private final AtomicLong seenSeq = new AtomicLong();

	/** The newest change this instance knows of, applied or written: a replica must have it to answer. */
	private final AtomicLong floorSeq = new AtomicLong();

	/** Until when (nanoTime) the primary is skipped after a failure, so look-ups don't queue on it. */
	private volatile long primaryBackoffUntil;

	private final AtomicReference<String> lastProblem = new AtomicReference<>();

	private volatile long staleServed;

	private volatile long replicaServed;

	/**
	 * Creates the directory on a shard, with replica fallback and a bound on every wait.
	 * @param shard the shard holding the table (its current primary, then its replicas)
	 * @param table the table name
	 * @param cacheSize the most entries cached
	 * @param cacheTtl how long a cached entry (or miss) is trusted while the directory answers
	 * @param assignOnFirstWrite whether the strategy's choice is recorded on a key's first write
	 * @param connectTimeout the longest a look-up waits for the directory's nodes
	 */
	public ShardDirectory(Supplier<Shard> shard, String table, long cacheSize, Duration cacheTtl,
			boolean assignOnFirstWrite, Duration connectTimeout) {
		if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
			throw new IllegalArgumentException("Invalid directory table name '" + table + "'");
		}
		this.shard = shard;
		this.table = table;
		this.logTable = table + "_log";
		this.assignOnFirstWrite = assignOnFirstWrite;
		this.cacheTtl = cacheTtl;
		this.cacheTtlNanos = cacheTtl.toNanos();
		this.timeoutMillis = (int) Math.max(250, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
		this.cache = Caffeine.newBuilder().maximumSize(cacheSize).recordStats().build();
	}

	/** The directory table's DDL. */
	public static String ddl(String table) {
		// VARBINARY: keys compare byte for byte ('Acme', 'acme' and 'acme ' are three keys).
		return "CREATE TABLE IF NOT EXISTS " + table + " (" + "shard_key VARBINARY(255) NOT NULL PRIMARY KEY, "
				+ "shard VARCHAR(64) NOT NULL, " + "state VARCHAR(16) NOT NULL, " + "other_shard VARCHAR(64) NULL, "
				+ "version BIGINT NOT NULL, " + "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
				+ "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), "
				+ "KEY shardline_state (state, updated_at))";
	}

	/** The change log's DDL: one row per change of an entry, in commit order of the sequence. */
	public static String logDdl(String table) {
		return "CREATE TABLE IF NOT EXISTS " + table + "_log (seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
				+ "shard_key VARBINARY(255) NOT NULL, state VARCHAR(16) NOT NULL, "
				+ "changed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))";
	}

	/** Creates the tables (entries, change log, instances) if they are missing. */
	public void createTable() {
		execute((connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(ddl(this.table));
				statement.execute(logDdl(this.table));
				statement.execute(DirectoryMembers.ddl(this.table));
				statement.execute(MoveDebris.ddl(this.table));
				statement.execute(DirectoryBackfill.ddl(this.table));
				statement.execute(DirectoryMeta.ddl(this.table));
				for (String rebalanceDdl : dev.shardline.rebalance.RebalanceStore.ddl(this.table)) {
					statement.execute(rebalanceDdl);
				}
			}
			return null;
		});
	}

	/** Whether this instance records the strategy's choice on a key's first write. */
	public boolean assignsOnFirstWrite() {
		return this.assignOnFirstWrite;
	}

	/** The table's name. */
	public String table() {
		return this.table;
	}

	/** How long a cached entry is trusted while the directory answers. */
	public Duration cacheTtl() {
		return this.cacheTtl;
	}

	@Override
	public String shardFor(Object key, boolean write, String strategyShard) {
		Optional<DirectoryEntry> entry = lookup(key);
		if (entry.isEmpty()) {
			if (write && this.assignOnFirstWrite) {
				DirectoryEntry assigned = assign(key, strategyShard);
				return assigned.shard();
			}
			return null;
		}
		DirectoryEntry found = entry.get();
		if (write && found.refusesWrites()) {
			throw new ShardMovingException(key, found.shard(), found.otherShard());
		}
		return found.shard();
	}

	@Override
	public boolean readsOnPrimary(Object key) {
		Cached cached = this.cache.getIfPresent(DirectoryKeys.normalize(key));
		return cached != null && cached.entry != null && cached.entry.readsOnPrimary();
	}

	/**
	 * The key's entry as this instance sees it (cache, else the directory).
	 * @param key the key
	 * @return the entry, if any
	 */
	public Optional<DirectoryEntry> lookup(Object key) {
		Object cacheKey = DirectoryKeys.normalize(key);
		Cached cached = this.cache.getIfPresent(cacheKey);
		if (cached != null && System.nanoTime() - cached.loadedAt < this.cacheTtlNanos) {
			return cached.optional();
		}
		// compute: concurrent look-ups of one key share one load, and an invalidation by the
		// change log waits for a load in flight instead of being overwritten by it.
		return this.cache.asMap().compute(cacheKey, (k, old) -> {
			if (old != null && System.nanoTime() - old.loadedAt < this.cacheTtlNanos) {
				return old;
			}
			return load(key, old);
		}).optional();
	}

	private Cached load(Object key, Cached old) {
		String text = DirectoryKeys.text(key);
		SQLException failure = null;
		if (System.nanoTime() - this.primaryBackoffUntil >= 0 && primaryUsable()) {
			// Two thirds of the budget for the primary, the rest for a replica: a look-up waits
			// at most connect-timeout for the directory in all.
			try (Connection connection = connect(primaryDataSource(), this.timeoutMillis * 2L / 3)) {
				Cached fresh = new Cached(readWithLogPosition(connection, text), System.nanoTime());
				answered();
				return fresh;
			}
			catch (SQLException ex) {
				failure = ex;
				this.primaryBackoffUntil = System.nanoTime() + this.timeoutMillis * 1_000_000L;
				problem("Directory table " + this.table + " could not be read on its primary: " + ex.getMessage());
				markDownIfUnreachable(ex);
			}
		}
		Optional<DirectoryEntry> fromReplica = readFromReplica(text);
		if (fromReplica != null) {
			this.replicaServed++;
			// Re-read soon: the replica's answer stands in until the primary answers again.
			return new Cached(fromReplica.orElse(null), System.nanoTime() - this.cacheTtlNanos / 2);
		}
		if (old != null) {
			this.staleServed++;
			return old;
		}
		throw new DirectoryUnavailableException("The directory (" + this.table + ") cannot be read: its primary is "
				+ ((failure != null) ? "unreachable (" + failure.getMessage() + ")" : "down")
				+ " and no replica of its shard has applied the changes this instance has seen; key '" + key
				+ "' is not cached. Retry when the directory's shard recovers.", failure);
	}

	/** Null when no replica could answer; else its answer. */
	private Optional<DirectoryEntry> readFromReplica(String text) {
		Shard holder = this.shard.get();
		long floor = Math.max(this.seenSeq.get(), this.floorSeq.get());
		for (ShardNode node : holder.nodes()) {
			if (node == holder.currentPrimary() || node.health().state() == NodeHealth.State.DOWN) {
				continue;
			}
			try (Connection connection = connect(node.dataSource(), this.timeoutMillis / 3)) {
				long applied = maxSeq(connection);
				if (applied < floor) {
					continue;
				}
				return readIn(connection, text);
			}
			catch (SQLException ex) {
				problem("Directory replica " + node.name() + " could not be read: " + ex.getMessage());
			}
		}
		return null;
	}

	/**
	 * A connection-level failure (SQLSTATE class 08: no connection, or one that broke) means the
	 * shard's primary is unreachable, as the router judges a failed connection: writes routed to it
	 * then fail fast instead of waiting out another connect timeout. The monitor's next probe
	 * marks it up again if it answers.
	 */
	private void markDownIfUnreachable(SQLException ex) {
		Shard holder = this.shard.get();
		String state = ex.getSQLState();
		if (state != null && state.startsWith("08")) {
			holder.currentPrimary().health().state(NodeHealth.State.DOWN, ex.getMessage());
		}
	}

	private boolean primaryUsable() {
		return this.shard.get().currentPrimary().health().state() != NodeHealth.State.DOWN;
	}

	/** The primary answered: the directory is healthy again. */
	private void answered() {
		if (this.lastProblem.get() != null && this.lastProblem.getAndSet(null) != null) {
			logger.info("Directory table " + this.table + " answers on its primary again");
		}
	}

	private void problem(String message) {
		if (!message.equals(this.lastProblem.getAndSet(message))) {
			logger.warn(message);
		}
	}

	/**
	 * The key's entry, read from the table's primary (not the cache).
	 * @param key the key
	 * @return the entry, if any
	 */
	public Optional<DirectoryEntry> entry(Object key) {
		return readText(DirectoryKeys.text(key));
	}

	/**
	 * Pins a key to a shard (creating or replacing its entry) and drops this instance's cached
	 * view; other instances drop theirs within about one check interval. Refused while the key
	 * is being moved.
	 * @param key the key
	 * @param shard the shard to own it
	 * @return the new entry
	 */
	public DirectoryEntry pin(Object key, String shard) {
		String text = DirectoryKeys.text(key);
		DirectoryEntry result = change((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.table
					+ " (shard_key, shard, state, other_shard, version) VALUES (?, ?, 'ACTIVE', NULL, 1)"
					+ " ON DUPLICATE KEY UPDATE shard = CASE WHEN state = 'ACTIVE' THEN VALUES(shard) ELSE shard END,"
					+ " version = CASE WHEN state = 'ACTIVE' THEN version + 1 ELSE version END")) {
				statement.setString(1, text);
				statement.setString(2, shard);
				statement.executeUpdate();
			}
			DirectoryEntry now = readIn(connection, text).orElseThrow();
			if (now.state() == DirectoryEntry.State.ACTIVE) {
				appendLog(connection, text, now.state());
			}
			return now;
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
		DirectoryEntry result = change((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("INSERT IGNORE INTO " + this.table
					+ " (shard_key, shard, state, other_shard, version) VALUES (?, ?, 'ACTIVE', NULL, 1)")) {
				statement.setString(1, text);
				statement.setString(2, shard);
				statement.executeUpdate();
			}
			return readIn(connection, text).orElseThrow();
		});
		// Not put into the cache: a change logged meanwhile could be overwritten by this answer.
		invalidate(key);
		return result;
	}

	/**
	 * Starts the move of a batch of keys, all or none: each key's entry is ACTIVE on the source at
	 * its expected version (or, with expected version 0, absent) and becomes COPYING towards the
	 * target, every one at the same new version (the batch's epoch, above each key's old version).
	 * @param keyTexts the keys' stored texts (distinct)
	 * @param expectedVersions each key's current version, 0 for a key without an entry
	 * @param epoch the version every entry gets (greater than every expected version)
	 * @return the change's log sequence number, or 0 when any key had changed (nothing was changed)
	 */
	long markAll(List<String> keyTexts, List<Long> expectedVersions, long epoch, String source, String target) {
		// One statement per distinct expected version (after a backfill nearly every key has the
		// same one), not one per key: a rebalance batch marks hundreds of keys.
		Map<Long, List<String>> byVersion = new java.util.TreeMap<>();
		for (int i = 0; i < keyTexts.size(); i++) {
			byVersion.computeIfAbsent(expectedVersions.get(i), (version) -> new ArrayList<>()).add(keyTexts.get(i));
		}
		return change((connection) -> {
			for (Map.Entry<Long, List<String>> group : byVersion.entrySet()) {
				List<String> texts = group.getValue();
				for (int from = 0; from < texts.size(); from += IN_LIST_CHUNK) {
					List<String> chunk = texts.subList(from, Math.min(texts.size(), from + IN_LIST_CHUNK));
					int changed = (group.getKey() == 0) ? insertMarked(connection, chunk, epoch, source, target)
							: updateMarked(connection, chunk, group.getKey(), epoch, source, target);
					if (changed != chunk.size()) {
						connection.rollback();
						return 0L;
					}
				}
			}
			return appendLog(connection, keyTexts, DirectoryEntry.State.COPYING);
		});
	}

	/** Entries of keys the directory did not know yet, COPYING; returns how many were inserted. */
	private int insertMarked(Connection connection, List<String> keyTexts, long epoch, String source, String target)
			throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("INSERT IGNORE INTO " + this.table
				+ " (shard_key, shard, state, other_shard, version) VALUES " + "(?, ?, 'COPYING', ?, ?)"
				+ ", (?, ?, 'COPYING', ?, ?)".repeat(keyTexts.size() - 1))) {
			for (int i = 0; i < keyTexts.size(); i++) {
				insert.setString(4 * i + 1, keyTexts.get(i));
				insert.setString(4 * i + 2, source);
				insert.setString(4 * i + 3, target);
				insert.setLong(4 * i + 4, epoch);
			}
			return insert.executeUpdate();
		}
	}

	/** ACTIVE entries on the source at one expected version become COPYING; returns how many changed. */
	private int updateMarked(Connection connection, List<String> keyTexts, long expectedVersion, long epoch,
			String source, String target) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement("UPDATE " + this.table
				+ " SET state = 'COPYING', other_shard = ?, version = ? WHERE version = ? AND state = 'ACTIVE'"
				+ " AND shard = ? AND shard_key IN (" + marks(keyTexts.size()) + ")")) {
			update.setString(1, target);
			update.setLong(2, epoch);
			update.setLong(3, expectedVersion);
			update.setString(4, source);
			for (int i = 0; i < keyTexts.size(); i++) {
				update.setString(5 + i, keyTexts.get(i));
			}
			return update.executeUpdate();
		}
	}

	/**
	 * Replaces the entries of a batch of keys, all or none, if every one still has the expected
	 * version, and logs the change (a batch move's steps).
	 * @return the change's log sequence number, or 0 when any entry had changed (nothing was changed)
	 */
	long compareAndSetAll(List<String> keyTexts, long expectedVersion, String shard, DirectoryEntry.State state,
			String otherShard) {
		return change((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.table
					+ " SET shard = ?, state = ?, other_shard = ?, version = version + 1 WHERE version = ? AND shard_key IN ("
					+ marks(keyTexts.size()) + ")")) {
				statement.setString(1, shard);
				statement.setString(2, state.name());
				statement.setString(3, otherShard);
				statement.setLong(4, expectedVersion);
				for (int i = 0; i < keyTexts.size(); i++) {
					statement.setString(5 + i, keyTexts.get(i));
				}
				if (statement.executeUpdate() != keyTexts.size()) {
					connection.rollback();
					return 0L;
				}
			}
			return appendLog(connection, keyTexts, state);
		});
	}

	/**
	 * Bumps a batch's entries' version and change time, all or none (a batch mover's sign of life).
	 * @return whether every entry still had the expected version
	 */
	boolean touchAll(List<String> keyTexts, long expectedVersion) {
		return change((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.table
					+ " SET version = version + 1, updated_at = NOW(6) WHERE version = ? AND shard_key IN ("
					+ marks(keyTexts.size()) + ")")) {
				statement.setLong(1, expectedVersion);
				for (int i = 0; i < keyTexts.size(); i++) {
					statement.setString(2 + i, keyTexts.get(i));
				}
				if (statement.executeUpdate() != keyTexts.size()) {
					connection.rollback();
					return false;
				}
				return true;
			}
		});
	}

	/**
	 * The entries of several keys, read on the directory's primary.
	 * @param keyTexts the keys' stored texts
	 * @return key text to entry, for the keys that have one
	 */
	Map<String, DirectoryEntry> readTexts(List<String> keyTexts) {
		return execute((connection) -> {
			Map<String, DirectoryEntry> entries = new HashMap<>();
			for (int from = 0; from < keyTexts.size(); from += IN_LIST_CHUNK) {
				List<String> chunk = keyTexts.subList(from, Math.min(keyTexts.size(), from + IN_LIST_CHUNK));
				try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM "
						+ this.table + " WHERE shard_key IN (" + marks(chunk.size()) + ")")) {
					for (int i = 0; i < chunk.size(); i++) {
						statement.setString(i + 1, chunk.get(i));
					}
					try (ResultSet rs = statement.executeQuery()) {
						while (rs.next()) {
							DirectoryEntry entry = entry(rs);
							entries.put(entry.key(), entry);
						}
					}
				}
			}
			return entries;
		});
	}

	/** {@code count} JDBC placeholders for an IN list: "?, ?, ?". */
	static String marks(int count) {
		return "?" + ", ?".repeat(count - 1);
	}

	private long appendLog(Connection connection, String keyText, DirectoryEntry.State state) throws SQLException {
		return appendLog(connection, List.of(keyText), state);
	}

	/** Logs a change of one or more entries in the caller's transaction; returns the highest sequence it sees. */
	private long appendLog(Connection connection, List<String> keyTexts, DirectoryEntry.State state)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.logTable
				+ " (shard_key, state) VALUES " + "(?, ?)" + ", (?, ?)".repeat(keyTexts.size() - 1))) {
			for (int i = 0; i < keyTexts.size(); i++) {
				statement.setString(2 * i + 1, keyTexts.get(i));
				statement.setString(2 * i + 2, state.name());
			}
			statement.executeUpdate();
		}
		// LAST_INSERT_ID() is the first row's sequence; a multi-row insert's rows need not be
		// consecutive (interleaved auto-increment), so the highest one visible here is read. It may be
		// another instance's committed change: waiting for a later sequence is never too early.
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery((keyTexts.size() == 1) ? "SELECT LAST_INSERT_ID()"
						: "SELECT MAX(seq) FROM " + this.logTable)) {
			rs.next();
			long seq = rs.getLong(1);
			// This instance wrote the change: a replica's answer older than it no longer counts.
			this.floorSeq.accumulateAndGet(seq, Math::max);
			return seq;
		}
	}

	Optional<DirectoryEntry> readText(String keyText) {
		return execute((connection) -> readIn(connection, keyText));
	}

	/**
	 * Changes logged after a sequence number, in order.
	 * @param afterSeq the last sequence already applied
	 * @param limit the most changes returned
	 * @return the changes
	 */
	List<Change> changesSince(long afterSeq, int limit) {
		return execute((connection) -> {
			List<Change> changes = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT seq, shard_key, state FROM "
					+ this.logTable + " WHERE seq > ? ORDER BY seq LIMIT " + limit)) {
				statement.setLong(1, afterSeq);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						changes.add(new Change(rs.getLong(1), rs.getString(2),
								DirectoryEntry.State.valueOf(rs.getString(3))));
					}
				}
			}
			return changes;
		});
	}

	/**
	 * Removes change-log rows every live instance has applied and that are older than an hour
	 * (instances starting later begin at the newest row).
	 * @param appliedByAll the lowest position acknowledged by a live instance
	 */
	void pruneLog(long appliedByAll) {
		execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + this.logTable
					+ " WHERE seq < ? AND changed_at < NOW(6) - INTERVAL 1 HOUR LIMIT 10000")) {
				statement.setLong(1, appliedByAll);
				return statement.executeUpdate();
			}
		});
	}

	/** The newest change-log sequence on the directory's primary. */
	long latestSeq() {
		return execute(this::maxSeq);
	}

	private long maxSeq(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM " + this.logTable)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/** The highest change-log sequence this instance has applied. */
	public long seenSeq() {
		return this.seenSeq.get();
	}

	void seen(long seq) {
		this.seenSeq.accumulateAndGet(seq, Math::max);
	}

	/** Starts following the change log over from a position (after the log went back). */
	void resetSeen(long seq) {
		this.seenSeq.set(seq);
		this.floorSeq.set(seq);
	}

	/**
	 * Drops the cached views of keys given in their stored text form (the change log's keys).
	 * @param keyText the key's stored text
	 */
	void invalidateText(String keyText) {
		this.cache.invalidate(DirectoryKeys.normalize(DirectoryKeys.parse(keyText)));
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
			try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + this.table
					+ " WHERE state = ? AND updated_at <= NOW(6) - INTERVAL ? MICROSECOND")) {
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
					ResultSet rs = statement.executeQuery(
							"SELECT " + COLUMNS + " FROM " + this.table + " WHERE state = 'ACTIVE' ORDER BY shard_key")) {
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

	/** Look-ups answered by a replica of the directory's shard while its primary could not answer. */
	public long replicaAnswers() {
		return this.replicaServed;
	}

	/** Look-ups answered from an expired cached entry while no node of the directory could answer. */
	public long staleAnswers() {
		return this.staleServed;
	}

	/** The last problem reading the directory, or null while it answers. */
	public String lastProblem() {
		return this.lastProblem.get();
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

	/**
	 * Reads an entry from the primary together with the change log's newest sequence, which
	 * becomes the floor for replica answers: a replica must be at least as new as any answer this
	 * instance has used.
	 */
	private DirectoryEntry readWithLogPosition(Connection connection, String text) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT d.shard_key, d.shard, d.state,"
				+ " d.other_shard, d.version, (SELECT COALESCE(MAX(seq), 0) FROM " + this.logTable + ") FROM (SELECT 1) x"
				+ " LEFT JOIN " + this.table + " d ON d.shard_key = ?")) {
			statement.setString(1, text);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				raiseFloor(rs.getLong(6));
				return (rs.getString(1) != null) ? entry(rs) : null;
			}
		}
	}

	/** No replica answer older than this log position counts from now on. */
	void raiseFloor(long seq) {
		this.floorSeq.accumulateAndGet(seq, Math::max);
	}

	private Optional<DirectoryEntry> readIn(Connection connection, String text) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT " + COLUMNS + " FROM " + this.table + " WHERE shard_key = ?")) {
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

	private DataSource primaryDataSource() {
		return this.shard.get().currentPrimary().dataSource();
	}

	/**
	 * A connection to the directory's primary, bounded like the directory's own (for tables kept
	 * beside it, such as rebalance plans); the caller closes it.
	 * @return the connection, in auto-commit mode
	 * @throws SQLException when the primary cannot be reached
	 */
	public Connection openPrimaryConnection() throws SQLException {
		return primaryConnection();
	}

	Connection primaryConnection() throws SQLException {
		return connect(primaryDataSource(), this.timeoutMillis);
	}

	/**
	 * A connection whose statements share one time budget with getting it: the pool's wait counts
	 * against it, and a frozen node answers nothing within the rest.
	 */
	private static Connection connect(DataSource dataSource, long budgetMillis) throws SQLException {
		long start = System.nanoTime();
		Connection connection = dataSource.getConnection();
		long left = budgetMillis - (System.nanoTime() - start) / 1_000_000;
		return bounded(connection, (int) Math.max(50, left));
	}

	private static Connection bounded(Connection connection, int timeoutMillis) throws SQLException {
		try {
			connection.setNetworkTimeout(Runnable::run, timeoutMillis);
			if (!connection.getAutoCommit()) {
				connection.setAutoCommit(true);
			}
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	/** Runs a change on the primary in one transaction; fails fast without a reachable primary. */
	private <T> T change(SqlWork<T> work) {
		if (!primaryUsable() || System.nanoTime() - this.primaryBackoffUntil < 0) {
			throw new DirectoryUnavailableException("The directory (" + this.table + ") cannot be changed: the primary of "
					+ this.shard.get().name() + " is down. Changes (first-write assignments, pins, moves) resume when it"
					+ " answers again (or a promoted replica takes over with discover-primary).", null);
		}
		try (Connection connection = primaryConnection()) {
			connection.setAutoCommit(false);
			try {
				T result = work.run(connection);
				connection.commit();
				return result;
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			throw new DirectoryUnavailableException(
					"The directory table " + this.table + " could not be changed: " + ex.getMessage(), ex);
		}
	}

	<T> T execute(SqlWork<T> work) {
		try (Connection connection = primaryConnection()) {
			T result = work.run(connection);
			answered();
			return result;
		}
		catch (SQLException ex) {
			throw new DirectoryUnavailableException(
					"Directory table " + this.table + " could not be used: " + ex.getMessage(), ex);
		}
	}

	@FunctionalInterface
	interface SqlWork<T> {

		T run(Connection connection) throws SQLException;

	}

	/**
	 * One logged change.
	 *
	 * @param seq its sequence number
	 * @param key the key's stored text
	 * @param state the entry's state after the change
	 */
	record Change(long seq, String key, DirectoryEntry.State state) {
	}

	/** A cached look-up: the entry (null for a miss) and when it was read. */
	private static final class Cached {

		final DirectoryEntry entry;

		/** Kept so a cache hit allocates nothing. */
		private final Optional<DirectoryEntry> optional;

		final long loadedAt;

		Cached(DirectoryEntry entry, long loadedAt) {
			this.entry = entry;
			this.optional = Optional.ofNullable(entry);
			this.loadedAt = loadedAt;
		}

		Optional<DirectoryEntry> optional() {
			return this.optional;
		}

	}

}
