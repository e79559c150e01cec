package dev.shardline.move;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Copies, catches up, verifies and deletes the rows of one key in one table, exactly.
 * <p>
 * Values never pass through JDBC type conversions: every column is read as text the server
 * renders exactly ({@link MoveColumn#readExpression()}) and written back as a literal the
 * server parses into the same stored value ({@link MoveColumn#literal(String)}), in multi-row
 * {@code INSERT} statements (up to {@code batchRows} rows and 4 MiB each, never more than the
 * target's {@code max_allowed_packet}). So no value depends on the JVM's time zone, the
 * servers' {@code time_zone} or Connector/J's time-zone and batching settings. Reads stream.
 * <p>
 * The caller owns the connections: autocommit, transactions and locks are left as they are
 * (each statement commits on its own under autocommit). For the duration of each call the
 * engine sets the session's {@code time_zone} to {@code +00:00} (so {@code TIMESTAMP} values
 * render and parse as the stored instant) and {@code sql_mode} to {@value #SQL_MODE}, and
 * restores both before returning. The mode is deliberately not strict: a strict mode refuses
 * values a table may legitimately hold (an {@code ENUM}'s '' error value written by a
 * non-strict session); exactness is instead proven by {@link #verify}.
 * <p>
 * Verification compares a per-row digest that both servers compute the same way: MD5 over the
 * exact text of every stored (non-generated) column (the MD5 of the raw bytes for strings,
 * binary and spatial values, see {@link MoveColumn#digestExpression()}), each NULL marked
 * apart from every value, so one microsecond, one byte, one {@code FLOAT} ULP, a trailing space
 * or NULL against '' changes it.
 * <p>
 * Two short-lived helper threads overlap the servers' work: the target's digests are read
 * while the source's are, and the copy's {@code INSERT}s run while the next rows are read. Each
 * connection is still used by one thread at a time, and every call returns only after its
 * helper has ended. A copier holds no state between calls and may serve many keys; source and
 * target must be different connections.
 */
public final class RowCopier {

	/** The session {@code sql_mode} while the engine works. */
	public static final String SQL_MODE = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";

	/** Prefix of trigger names {@link #preflight} accepts (Shardline's own fence triggers). */
	public static final String TRIGGER_PREFIX = "shardline_";

	private static final int MAX_STATEMENT_CHARS = 4 * 1024 * 1024;

	private static final int MATCH_ROWS = 500;

	private final String table;

	private final String keyColumn;

	private final int batchRows;

	private final CopyPacer pacer;

	/**
	 * Creates a copier for one table whose copies are not paced.
	 * @param table the table's name
	 * @param keyColumn the column holding the moved key
	 * @param batchRows the most rows per {@code INSERT} statement
	 */
	public RowCopier(String table, String keyColumn, int batchRows) {
		this(table, keyColumn, batchRows, CopyPacer.off());
	}

	/**
	 * Creates a copier for one table.
	 * @param table the table's name
	 * @param keyColumn the column holding the moved key
	 * @param batchRows the most rows per {@code INSERT} statement
	 * @param pacer paces {@link #copyAll} (only it: catch-ups and verifications are never paced)
	 */
	public RowCopier(String table, String keyColumn, int batchRows, CopyPacer pacer) {
		if (batchRows < 1) {
			throw new IllegalArgumentException("batchRows must be at least 1, was " + batchRows);
		}
		this.table = Objects.requireNonNull(table, "table");
		this.keyColumn = Objects.requireNonNull(keyColumn, "keyColumn");
		this.batchRows = batchRows;
		this.pacer = Objects.requireNonNull(pacer, "pacer");
	}

	/**
	 * Checks that the table can be moved from source to target and returns the source's
	 * definition. Refuses unless the table exists on both with the key column and a primary key,
	 * both have the same columns in the same order with the same full type, nullability,
	 * character set, collation and generation, the same primary key, no foreign key is declared
	 * on it or references it, and no trigger is on it except Shardline's ({@value #TRIGGER_PREFIX}*).
	 * Writes nothing.
	 * @param source a connection to the source's primary
	 * @param target a connection to the target's primary
	 * @return the table as found on the source
	 * @throws MoveRefusedException naming the table, the column if any and the reason
	 * @throws SQLException if a server cannot be read
	 */
	public MoveTable preflight(Connection source, Connection target) throws SQLException {
		requireDistinct(source, target);
		MoveTable from = MoveTable.read(source, this.table, this.keyColumn);
		MoveTable to = MoveTable.read(target, this.table, this.keyColumn);
		List<MoveColumn> a = from.columns();
		List<MoveColumn> b = to.columns();
		for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
			String difference = a.get(i).difference(b.get(i));
			if (difference != null) {
				throw new MoveRefusedException(from.name(), a.get(i).name(),
						difference + "; make the schemas equal before moving");
			}
		}
		if (a.size() > b.size()) {
			throw new MoveRefusedException(from.name(), a.get(b.size()).name(),
					"the column exists on the source but not on the target (" + to.server() + ")");
		}
		if (b.size() > a.size()) {
			throw new MoveRefusedException(from.name(), b.get(a.size()).name(),
					"the column exists on the target (" + to.server() + ") but not on the source");
		}
		if (!lower(from.primaryKey()).equals(lower(to.primaryKey()))) {
			throw new MoveRefusedException(from.name(), null, "the primary key is " + from.primaryKey()
					+ " on the source but " + to.primaryKey() + " on the target");
		}
		refuseForeignKeys(from, "source");
		refuseForeignKeys(to, "target");
		refuseTriggers(from, "source");
		refuseTriggers(to, "target");
		return from;
	}

	private static void refuseForeignKeys(MoveTable table, String side) {
		if (!table.foreignKeys().isEmpty()) {
			throw new MoveRefusedException(table.name(), null, "foreign keys " + table.foreignKeys() + " on the " + side
					+ " (" + table.server() + ") would block or cascade the copy's deletes and inserts; drop them "
					+ "or leave the table out of the move tables");
		}
	}

	private static void refuseTriggers(MoveTable table, String side) {
		List<String> user = table.triggers()
			.stream()
			.filter((name) -> !name.toLowerCase(Locale.ROOT).startsWith(TRIGGER_PREFIX))
			.toList();
		if (!user.isEmpty()) {
			throw new MoveRefusedException(table.name(), null, "triggers " + user + " on the " + side + " ("
					+ table.server() + ") would act on the copy's deletes and inserts; drop them or leave the table "
					+ "out of the move tables");
		}
	}

	/**
	 * Deletes every target row of the key, then copies every source row of the key exactly, in
	 * multi-row {@code INSERT} statements, reading the source as one streamed query in primary-key
	 * order. Paced by the copier's {@link CopyPacer}: with a ratio above 0, each statement's rows
	 * are on the target before the next are read, and the copy then pauses.
	 * @param table the table, as {@link #preflight} returned it
	 * @param source a connection to the source's primary
	 * @param target a connection to the target's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @return the number of rows copied
	 * @throws SQLException if a statement fails (message names table and key; SQL state and
	 * error code are the server's)
	 */
	public long copyAll(MoveTable table, Connection source, Connection target, Object keyValue) throws SQLException {
		requireDistinct(source, target);
		try (ExactSession s = ExactSession.pin(source); ExactSession t = ExactSession.pin(target)) {
			deleteKey(table, target, keyValue);
			return copyRows(table, source, target, keyValue, null, null, this.pacer.isOn());
		}
		catch (SQLException ex) {
			throw failure("Copying", table, keyValue, ex);
		}
	}

	/**
	 * Makes the key's rows on the target equal to the source's: compares primary keys and
	 * per-row digests of both sides (read from one server, then the other: this runs while the key
	 * is still writable, when time matters less than sparing the servers' other clients a burst on
	 * both at once; a later fenced pass corrects whatever changed meanwhile), deletes target rows that
	 * are absent on the source or differ, and copies the rows that are missing or differ. Cheap
	 * when little changed: only primary keys and digests cross the network for unchanged rows.
	 * @param table the table, as {@link #preflight} returned it
	 * @param source a connection to the source's primary
	 * @param target a connection to the target's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @return what changed on the target
	 * @throws SQLException if a statement fails (message names table and key)
	 */
	public CatchUp catchUp(MoveTable table, Connection source, Connection target, Object keyValue)
			throws SQLException {
		requireDistinct(source, target);
		try (ExactSession s = ExactSession.pin(source); ExactSession t = ExactSession.pin(target)) {
			List<RowDigest> from = digests(table, source, keyValue, null);
			List<RowDigest> to = digests(table, target, keyValue, null);
			return apply(table, source, target, keyValue, from, to).catchUp();
		}
		catch (SQLException ex) {
			throw failure("Catching up", table, keyValue, ex);
		}
	}

	/**
	 * Checks that the key's rows are identical on both servers: the same primary keys with the
	 * same per-row digest (computed by each server from the exact text of every stored column;
	 * both servers are read at once).
	 * @param table the table, as {@link #preflight} returned it
	 * @param source a connection to the source's primary
	 * @param target a connection to the target's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @return the number of rows and a digest over all of them
	 * @throws MoveVerificationException naming the table, the first differing primary key (in
	 * primary-key order) and, for a row on both sides, the first differing column with both values
	 * @throws SQLException if a statement fails (message names table and key)
	 */
	public Verification verify(MoveTable table, Connection source, Connection target, Object keyValue)
			throws SQLException {
		requireDistinct(source, target);
		try (ExactSession s = ExactSession.pin(source); ExactSession t = ExactSession.pin(target)) {
			List<List<RowDigest>> both = digestsOnBoth(table, source, target, keyValue);
			return compare(table, source, target, keyValue, both.get(0), both.get(1));
		}
		catch (SQLException ex) {
			throw failure("Verifying", table, keyValue, ex);
		}
	}

	/**
	 * The final phase in one pass, for a key nobody else writes on either server any more (its
	 * writes are fenced): a {@link #catchUp}, then a verification that reuses the digests the
	 * catch-up read (both servers' rows were just read at once and nothing else changes them) and
	 * re-reads from the target only the rows the catch-up wrote. About half the work of
	 * {@link #catchUp} followed by {@link #verify}; use those two when writes may still arrive.
	 * @param table the table, as {@link #preflight} returned it
	 * @param source a connection to the source's primary
	 * @param target a connection to the target's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @return what the catch-up changed and the verification
	 * @throws MoveVerificationException as {@link #verify} does
	 * @throws SQLException if a statement fails (message names table and key)
	 */
	public FinalSync catchUpAndVerify(MoveTable table, Connection source, Connection target, Object keyValue)
			throws SQLException {
		requireDistinct(source, target);
		try (ExactSession s = ExactSession.pin(source); ExactSession t = ExactSession.pin(target)) {
			List<List<RowDigest>> both = digestsOnBoth(table, source, target, keyValue);
			List<RowDigest> from = both.get(0);
			Applied applied = apply(table, source, target, keyValue, from, both.get(1));
			Map<String, RowDigest> after = byId(both.get(1));
			applied.removed().forEach((row) -> after.remove(row.id()));
			for (List<RowDigest> chunk : chunks(applied.written())) {
				for (RowDigest row : digests(table, target, keyValue, match(table.primaryKeyColumns(), chunk))) {
					after.put(row.id(), row);
				}
			}
			// the target's rows in the source's order (then any the source lacks): the order the
			// target itself returns, as both servers order by the same primary key definition
			List<RowDigest> to = new ArrayList<>();
			for (RowDigest row : from) {
				RowDigest other = after.remove(row.id());
				if (other != null) {
					to.add(other);
				}
			}
			to.addAll(after.values());
			return new FinalSync(applied.catchUp(), compare(table, source, target, keyValue, from, to));
		}
		catch (SQLException ex) {
			throw failure("Catching up and verifying", table, keyValue, ex);
		}
	}

	/** Deletes and copies what differs; returns the counts, the rows removed and the rows written. */
	private Applied apply(MoveTable table, Connection source, Connection target, Object keyValue,
			List<RowDigest> from, List<RowDigest> to) throws SQLException {
		Map<String, RowDigest> toById = byId(to);
		Set<String> fromIds = byId(from).keySet();
		List<RowDigest> missing = new ArrayList<>();
		List<RowDigest> changed = new ArrayList<>();
		List<RowDigest> extra = new ArrayList<>();
		for (RowDigest row : from) {
			RowDigest other = toById.get(row.id());
			if (other == null) {
				missing.add(row);
			}
			else if (!other.digest().equals(row.digest())) {
				changed.add(row);
			}
		}
		for (RowDigest row : to) {
			if (!fromIds.contains(row.id())) {
				extra.add(row);
			}
		}
		List<RowDigest> remove = new ArrayList<>(changed);
		remove.addAll(extra);
		List<MoveColumn> primaryKey = table.primaryKeyColumns();
		for (List<RowDigest> chunk : chunks(remove)) {
			try (PreparedStatement statement = target.prepareStatement("DELETE FROM " + table.quotedName() + " WHERE "
					+ Keys.condition(table.keyColumn(), keyValue) + " AND (" + match(primaryKey, chunk) + ")")) {
				Keys.bind(statement, 1, keyValue);
				statement.executeUpdate();
			}
		}
		List<RowDigest> fetch = new ArrayList<>(missing);
		fetch.addAll(changed);
		Set<String> copied = new HashSet<>();
		for (List<RowDigest> chunk : chunks(fetch)) {
			copyRows(table, source, target, keyValue, match(primaryKey, chunk), copied, false);
		}
		long inserted = missing.stream().filter((row) -> copied.contains(row.id())).count();
		long replaced = changed.stream().filter((row) -> copied.contains(row.id())).count();
		List<RowDigest> written = fetch.stream().filter((row) -> copied.contains(row.id())).toList();
		return new Applied(new CatchUp(inserted, replaced, extra.size() + (changed.size() - replaced)), remove,
				written);
	}

	/** Compares both sides' digests in primary-key order; throws at the first difference. */
	private static Verification compare(MoveTable table, Connection source, Connection target, Object keyValue,
			List<RowDigest> from, List<RowDigest> to) throws SQLException {
		Map<String, RowDigest> fromById = byId(from);
		Map<String, RowDigest> toById = byId(to);
		int i = 0;
		int j = 0;
		// Both lists are in the same primary-key order (same definitions on both servers):
		// walking them together finds the first difference in that order.
		while (i < from.size() || j < to.size()) {
			RowDigest a = (i < from.size()) ? from.get(i) : null;
			RowDigest b = (j < to.size()) ? to.get(j) : null;
			if (a != null && b != null && a.id().equals(b.id())) {
				if (!a.digest().equals(b.digest())) {
					throw mismatch(table, keyValue, a, columnDifference(table, source, target, keyValue, a),
							from.size(), to.size());
				}
				i++;
				j++;
			}
			else if (a != null && !toById.containsKey(a.id())) {
				throw mismatch(table, keyValue, a, "is missing on the target", from.size(), to.size());
			}
			else if (b != null && !fromById.containsKey(b.id())) {
				throw mismatch(table, keyValue, b, "exists only on the target", from.size(), to.size());
			}
			else {
				throw mismatch(table, keyValue, a, "is in a different primary-key order on the target", from.size(),
						to.size());
			}
		}
		MessageDigest sha = sha256();
		for (RowDigest row : from) {
			sha.update((row.id() + ":" + row.digest() + "\n").getBytes(StandardCharsets.US_ASCII));
		}
		return new Verification(from.size(), HexFormat.of().formatHex(sha.digest()));
	}

	/**
	 * Reads the key's digests on both servers at once (the target's on a short-lived thread: each
	 * connection is still used by one thread at a time). Returns source's, then target's.
	 */
	private static List<List<RowDigest>> digestsOnBoth(MoveTable table, Connection source, Connection target,
			Object keyValue) throws SQLException {
		FutureTask<List<RowDigest>> onTarget = new FutureTask<>(() -> digests(table, target, keyValue, null));
		Thread thread = new Thread(onTarget, "shardline-move-digest");
		thread.setDaemon(true);
		thread.start();
		List<RowDigest> from;
		try {
			from = digests(table, source, keyValue, null);
		}
		finally {
			// never return while the other thread still uses the caller's target connection
			awaitUninterruptibly(thread);
		}
		try {
			return List.of(from, onTarget.get());
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof SQLException sql) {
				throw sql;
			}
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex); // not reached: the thread has ended
		}
	}

	private static void awaitUninterruptibly(Thread thread) {
		boolean interrupted = false;
		while (true) {
			try {
				thread.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Deletes every row of the key on one server.
	 * @param table the table
	 * @param connection a connection to the server's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @return the number of rows deleted
	 * @throws SQLException if the statement fails (message names table and key)
	 */
	public long deleteAll(MoveTable table, Connection connection, Object keyValue) throws SQLException {
		try {
			return deleteKey(table, connection, keyValue);
		}
		catch (SQLException ex) {
			throw failure("Deleting", table, keyValue, ex);
		}
	}

	/**
	 * Deletes at most {@code limit} rows of the key on one server (a paced sweep's step).
	 * @param table the table
	 * @param connection a connection to the server's primary
	 * @param keyValue the key, as JDBC binds it, or a {@link java.util.List} of keys (moved together)
	 * @param limit the most rows deleted
	 * @return the number of rows deleted: fewer than {@code limit} when none of the key's are left
	 * @throws SQLException if the statement fails (message names table and key)
	 */
	public long deleteSome(MoveTable table, Connection connection, Object keyValue, int limit) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table.quotedName() + " WHERE "
				+ Keys.condition(table.keyColumn(), keyValue) + " LIMIT " + Math.max(1, limit))) {
			Keys.bind(statement, 1, keyValue);
			return statement.executeLargeUpdate();
		}
		catch (SQLException ex) {
			throw failure("Deleting", table, keyValue, ex);
		}
	}

	private static long deleteKey(MoveTable table, Connection connection, Object keyValue) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(
				"DELETE FROM " + table.quotedName() + " WHERE " + Keys.condition(table.keyColumn(), keyValue))) {
			Keys.bind(statement, 1, keyValue);
			return statement.executeLargeUpdate();
		}
	}

	/**
	 * Streams the key's rows (those matching {@code condition}, if given) from source to
	 * target in multi-row inserts; records the copied rows' ids in {@code copied}, if given;
	 * paced by the copier's pacer if {@code paced}.
	 */
	private long copyRows(MoveTable table, Connection source, Connection target, Object keyValue, String condition,
			Set<String> copied, boolean paced) throws SQLException {
		List<MoveColumn> primaryKey = table.primaryKeyColumns();
		List<MoveColumn> stored = table.storedColumns();
		StringBuilder select = new StringBuilder("SELECT ");
		appendReads(select, primaryKey);
		select.append(", ");
		appendReads(select, stored);
		List<Integer> hexColumns = new ArrayList<>();
		for (int i = 0; i < stored.size(); i++) {
			if (stored.get(i).travelsAsHex()) {
				hexColumns.add(i);
				select.append(", ").append(MoveColumn.quote(stored.get(i).name())).append(" IS NULL");
			}
		}
		select.append(" FROM ").append(table.quotedName()).append(" WHERE ")
			.append(Keys.condition(table.keyColumn(), keyValue));
		if (condition != null) {
			select.append(" AND (").append(condition).append(')');
		}
		select.append(" ORDER BY ").append(table.orderByPrimaryKey());
		try (InsertWriter writer = new InsertWriter(table, stored, target, this.batchRows,
				paced ? this.pacer.start() : null);
				PreparedStatement statement = streaming(source, select.toString())) {
			Keys.bind(statement, 1, keyValue);
			try (ResultSet rs = statement.executeQuery()) {
				String[] pk = new String[primaryKey.size()];
				String[] values = new String[stored.size()];
				while (rs.next()) {
					for (int i = 0; i < pk.length; i++) {
						pk[i] = rs.getString(i + 1);
					}
					for (int i = 0; i < values.length; i++) {
						values[i] = rs.getString(pk.length + i + 1);
					}
					for (int h = 0; h < hexColumns.size(); h++) {
						int i = hexColumns.get(h);
						if (values[i] == null && !rs.getBoolean(pk.length + values.length + h + 1)) {
							throw new SQLException("Column '" + stored.get(i).name() + "' of the row with primary key "
									+ Arrays.toString(pk) + " holds a value too large to send as hex text within the "
									+ "source's max_allowed_packet; raise max_allowed_packet on both servers above "
									+ "twice the largest value");
						}
					}
					writer.add(values);
					if (copied != null) {
						copied.add(String.join(",", pk));
					}
				}
			}
			return writer.finish();
		}
	}

	private static void appendReads(StringBuilder sql, List<MoveColumn> columns) {
		for (int i = 0; i < columns.size(); i++) {
			sql.append((i > 0) ? ", " : "").append(columns.get(i).readExpression());
		}
	}

	/** The key's rows as (primary key, digest) in primary-key order. */
	private static List<RowDigest> digests(MoveTable table, Connection connection, Object keyValue, String condition)
			throws SQLException {
		List<MoveColumn> primaryKey = table.primaryKeyColumns();
		StringBuilder sql = new StringBuilder("SELECT ");
		appendReads(sql, primaryKey);
		sql.append(", MD5(CONCAT_WS(','");
		for (MoveColumn column : table.storedColumns()) {
			// NULL becomes '-', a value '=' followed by its text: NULL, '' and 'NULL' all differ
			sql.append(", COALESCE(CONCAT('=', ").append(column.digestExpression()).append("), '-')");
		}
		sql.append(")) FROM ").append(table.quotedName()).append(" WHERE ")
			.append(Keys.condition(table.keyColumn(), keyValue));
		if (condition != null) {
			sql.append(" AND (").append(condition).append(')');
		}
		sql.append(" ORDER BY ").append(table.orderByPrimaryKey());
		List<RowDigest> rows = new ArrayList<>();
		try (PreparedStatement statement = streaming(connection, sql.toString())) {
			Keys.bind(statement, 1, keyValue);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String[] pk = new String[primaryKey.size()];
					for (int i = 0; i < pk.length; i++) {
						pk[i] = rs.getString(i + 1);
					}
					String digest = rs.getString(pk.length + 1);
					if (digest == null) {
						throw new SQLException("The digest of the row with primary key " + Arrays.toString(pk)
								+ " could not be computed");
					}
					rows.add(new RowDigest(String.join(",", pk), pk, digest));
				}
			}
		}
		return rows;
	}

	/** For a row whose digests differ: the first column whose exact text differs, with both. */
	private static String columnDifference(MoveTable table, Connection source, Connection target, Object keyValue,
			RowDigest row) throws SQLException {
		List<MoveColumn> stored = table.storedColumns();
		String[] a = exactRow(table, stored, source, keyValue, row);
		String[] b = exactRow(table, stored, target, keyValue, row);
		if (a == null || b == null) {
			return "changed while it was being verified";
		}
		for (int i = 0; i < stored.size(); i++) {
			if (!Objects.equals(a[i], b[i])) {
				MoveColumn column = stored.get(i);
				return "differs in column '" + column.name() + "': " + shorten(column.display(a[i]))
						+ " on the source, " + shorten(column.display(b[i])) + " on the target";
			}
		}
		return "differs (it changed while it was being verified)";
	}

	private static String[] exactRow(MoveTable table, List<MoveColumn> stored, Connection connection, Object keyValue,
			RowDigest row) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT ");
		appendReads(sql, stored);
		sql.append(" FROM ").append(table.quotedName()).append(" WHERE ")
			.append(Keys.condition(table.keyColumn(), keyValue)).append(" AND (")
			.append(match(table.primaryKeyColumns(), List.of(row))).append(')');
		try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
			Keys.bind(statement, 1, keyValue);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return null;
				}
				String[] values = new String[stored.size()];
				for (int i = 0; i < values.length; i++) {
					values[i] = rs.getString(i + 1);
				}
				return values;
			}
		}
	}

	private static String shorten(String text) {
		return (text.length() <= 80) ? text : text.substring(0, 77) + "...";
	}

	private static MoveVerificationException mismatch(MoveTable table, Object keyValue, RowDigest row,
			String difference, long sourceRows, long targetRows) {
		Map<String, String> primaryKey = new LinkedHashMap<>();
		List<MoveColumn> columns = table.primaryKeyColumns();
		for (int i = 0; i < columns.size(); i++) {
			primaryKey.put(columns.get(i).name(), columns.get(i).display(row.primaryKey()[i]));
		}
		return new MoveVerificationException(table.name(), keyValue, primaryKey, difference, sourceRows, targetRows);
	}

	/** A condition matching the given rows by primary key, built from exact literals. */
	static String match(List<MoveColumn> primaryKey, List<RowDigest> rows) {
		StringBuilder sql = new StringBuilder();
		if (primaryKey.size() == 1) {
			MoveColumn column = primaryKey.get(0);
			sql.append(MoveColumn.quote(column.name())).append(" IN (");
			for (int r = 0; r < rows.size(); r++) {
				sql.append((r > 0) ? ", " : "").append(column.literal(rows.get(r).primaryKey()[0]));
			}
			return sql.append(')').toString();
		}
		for (int r = 0; r < rows.size(); r++) {
			sql.append((r > 0) ? " OR (" : "(");
			for (int c = 0; c < primaryKey.size(); c++) {
				MoveColumn column = primaryKey.get(c);
				sql.append((c > 0) ? " AND " : "").append(MoveColumn.quote(column.name())).append(" = ")
					.append(column.literal(rows.get(r).primaryKey()[c]));
			}
			sql.append(')');
		}
		return sql.toString();
	}

	private static List<List<RowDigest>> chunks(List<RowDigest> rows) {
		List<List<RowDigest>> chunks = new ArrayList<>();
		for (int i = 0; i < rows.size(); i += MATCH_ROWS) {
			chunks.add(rows.subList(i, Math.min(rows.size(), i + MATCH_ROWS)));
		}
		return chunks;
	}

	private static Map<String, RowDigest> byId(Collection<RowDigest> rows) {
		Map<String, RowDigest> map = new HashMap<>();
		for (RowDigest row : rows) {
			map.put(row.id(), row);
		}
		return map;
	}

	private static PreparedStatement streaming(Connection connection, String sql) throws SQLException {
		PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
				ResultSet.CONCUR_READ_ONLY);
		try {
			// Connector/J (and MariaDB's driver) stream row by row instead of buffering the result
			statement.setFetchSize(Integer.MIN_VALUE);
		}
		catch (SQLException ex) {
			// a driver without streaming buffers the result: slower for huge keys, still correct
		}
		return statement;
	}

	private static void requireDistinct(Connection source, Connection target) {
		if (source == target) {
			// one session cannot be pinned twice, nor read by two threads at once
			throw new IllegalArgumentException("Source and target must be different connections");
		}
	}

	private static List<String> lower(List<String> names) {
		return names.stream().map((name) -> name.toLowerCase(Locale.ROOT)).toList();
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static SQLException failure(String what, MoveTable table, Object keyValue, SQLException ex) {
		return new SQLException(what + " rows of table '" + table.name() + "' for key '" + Keys.display(keyValue)
				+ "' failed: " + ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), ex);
	}

	/** What {@link #apply} did: the counts, the target rows it removed and the rows it wrote. */
	private record Applied(CatchUp catchUp, List<RowDigest> removed, List<RowDigest> written) {
	}

	/** One row's primary key (exact texts, and joined as its id) and digest. */
	record RowDigest(String id, String[] primaryKey, String digest) {
	}

	/**
	 * Writes rows as multi-row INSERT statements of bounded size, on its own thread: the target
	 * executes one statement while the next is read from the source and built, so neither server
	 * waits for the other. Each connection is still used by one thread only. When paced, each
	 * statement runs before the next rows are read, and then the copy pauses.
	 */
	private static final class InsertWriter implements AutoCloseable {

		private static final String END = new String("end");

		private final List<MoveColumn> columns;

		private final Statement statement;

		private final String prefix;

		private final int batchRows;

		private final int maxChars;

		private final StringBuilder sql = new StringBuilder();

		private final ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(2);

		private final Thread thread;

		/** Released once per statement the thread ran. */
		private final Semaphore executed = new Semaphore(0);

		private final CopyPacer.Pace pace;

		private volatile SQLException failure;

		private volatile long written;

		private int rows;

		InsertWriter(MoveTable table, List<MoveColumn> columns, Connection target, int batchRows,
				CopyPacer.Pace pace) throws SQLException {
			this.columns = columns;
			this.batchRows = batchRows;
			this.pace = pace;
			this.statement = target.createStatement();
			long maxPacket;
			try (ResultSet rs = this.statement.executeQuery("SELECT @@max_allowed_packet")) {
				rs.next();
				maxPacket = rs.getLong(1);
			}
			// leave room for the packet header and multi-byte names
			this.maxChars = (int) Math.max(1024, Math.min(MAX_STATEMENT_CHARS, maxPacket / 2));
			this.statement.setEscapeProcessing(false);
			StringBuilder prefix = new StringBuilder("INSERT INTO ").append(table.quotedName()).append(" (");
			for (int i = 0; i < columns.size(); i++) {
				prefix.append((i > 0) ? ", " : "").append(MoveColumn.quote(columns.get(i).name()));
			}
			this.prefix = prefix.append(") VALUES ").toString();
			this.thread = new Thread(this::execute, "shardline-move-insert");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void add(String[] values) throws SQLException {
			int start = this.sql.length();
			this.sql.append((this.rows == 0) ? this.prefix : ", ").append('(');
			for (int i = 0; i < values.length; i++) {
				if (i > 0) {
					this.sql.append(", ");
				}
				this.columns.get(i).appendLiteral(this.sql, values[i]);
			}
			this.sql.append(')');
			if (this.rows > 0 && this.sql.length() > this.maxChars) {
				// this row would make the statement too large: send the others, start again with it
				String row = this.sql.substring(start + 2);
				this.sql.setLength(start);
				flush();
				this.sql.append(this.prefix).append(row);
			}
			this.rows++;
			if (this.rows >= this.batchRows || this.sql.length() >= this.maxChars) {
				flush();
			}
		}

		/** Sends the last statement, waits until every statement ran and returns the rows written. */
		long finish() throws SQLException {
			flush();
			send(END);
			awaitUninterruptibly(this.thread);
			if (this.failure != null) {
				throw this.failure;
			}
			return this.written;
		}

		private void flush() throws SQLException {
			if (this.rows > 0) {
				send(this.sql.toString());
				this.sql.setLength(0);
				this.rows = 0;
				if (this.pace != null) {
					pause();
				}
			}
		}

		/** Waits until the statement just sent ran (the batch is on the target), then pauses. */
		private void pause() throws SQLException {
			try {
				while (!this.executed.tryAcquire(50, TimeUnit.MILLISECONDS)) {
					if (this.failure != null || !this.thread.isAlive()) {
						break;
					}
				}
				if (this.failure != null) {
					throw this.failure;
				}
				this.pace.batchDone();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("Interrupted while copying rows", ex);
			}
		}

		private void send(String statement) throws SQLException {
			try {
				while (!this.queue.offer(statement, 50, TimeUnit.MILLISECONDS)) {
					if (this.failure != null || !this.thread.isAlive()) {
						break;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("Interrupted while copying rows", ex);
			}
			if (this.failure != null) {
				throw this.failure;
			}
		}

		private void execute() {
			try {
				while (true) {
					String next = this.queue.take();
					if (next == END) {
						return;
					}
					this.written += this.statement.executeLargeUpdate(next);
					this.executed.release();
				}
			}
			catch (SQLException ex) {
				this.failure = ex;
			}
			catch (InterruptedException ex) {
				this.failure = new SQLException("Interrupted while copying rows", ex);
			}
			catch (RuntimeException ex) {
				this.failure = new SQLException(ex.getMessage(), ex);
			}
		}

		@Override
		public void close() throws SQLException {
			if (this.thread.isAlive()) {
				// failing before finish(): let the thread end after the statement it may be running
				this.queue.clear();
				this.thread.interrupt();
				awaitUninterruptibly(this.thread);
			}
			this.statement.close();
		}

	}

}
