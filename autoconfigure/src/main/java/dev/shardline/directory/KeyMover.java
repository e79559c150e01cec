package dev.shardline.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.shardline.ShardlineException;
import dev.shardline.routing.ShardRouter;
import dev.shardline.topology.Shard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Moves all rows of one key (in the configured tables) to another shard while the
 * application keeps running:
 * <ol>
 * <li>MARK: the directory entry becomes MOVING (writes to the key are refused with a
 * retryable {@code ShardMovingException}; reads keep going to the source);</li>
 * <li>wait out the cache TTL, so every instance sees it;</li>
 * <li>COPY the key's rows to the target (idempotent: rows already there are skipped);</li>
 * <li>VERIFY row counts and a checksum per table;</li>
 * <li>FLIP: the entry becomes CLEANING, owned by the target (writes resume there);</li>
 * <li>wait out the cache TTL again (instances still reading the source keep finding the rows);</li>
 * <li>SWEEP: rows that reached the source late are copied too, then the source rows are deleted;</li>
 * <li>DONE: the entry is ACTIVE on the target.</li>
 * </ol>
 * Every step is recorded in the directory, so a move killed half-way is recovered: a MOVING
 * entry rolls back (the target's partial copy is removed, the source still owns the key), a
 * CLEANING entry is finished. Tables must have primary keys that are unique across shards
 * (Shardline IDs, UUIDs), so copied rows never collide.
 */
public final class KeyMover {

	private static final Log logger = LogFactory.getLog(KeyMover.class);

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final ShardDirectory directory;

	private final ShardRouter router;

	private final Map<String, String> tables;

	private final StepListener listener;

	/**
	 * Creates a mover.
	 * @param directory the directory
	 * @param router the router (for shards, nodes and the strategy's owner)
	 * @param tables table to key column, in copy order (parents before children)
	 * @param listener told before each step (progress reports; tests inject crashes here)
	 */
	public KeyMover(ShardDirectory directory, ShardRouter router, Map<String, String> tables, StepListener listener) {
		tables.forEach((table, column) -> {
			if (!NAME.matcher(table).matches() || !NAME.matcher(column).matches()) {
				throw new IllegalArgumentException("Invalid move table or column: " + table + "." + column);
			}
		});
		this.directory = directory;
		this.router = router;
		this.tables = new LinkedHashMap<>(tables);
		this.listener = (listener != null) ? listener : StepListener.NONE;
	}

	/**
	 * Moves a key's rows to a shard.
	 * @param key the key
	 * @param targetShard the shard to own it afterwards
	 * @return what was moved
	 */
	public MoveReport move(Object key, String targetShard) {
		Shard target = this.router.shardNamed(targetShard);
		String text = DirectoryKeys.text(key);
		Optional<DirectoryEntry> existing = this.directory.readText(text);
		if (existing.isPresent() && existing.get().state() != DirectoryEntry.State.ACTIVE) {
			throw new ShardlineException("Key '" + key + "' is already being moved (" + existing.get().state()
					+ "); recover it first with recoverInterruptedMoves()");
		}
		String source = existing.map(DirectoryEntry::shard).orElseGet(() -> this.router.shardFor(key, "move").name());
		if (source.equals(target.name())) {
			return new MoveReport(text, source, source, Map.of());
		}
		this.listener.before(Step.MARK, text);
		boolean marked = existing.isPresent()
				? this.directory.compareAndSet(text, existing.get().version(), source, DirectoryEntry.State.MOVING,
						target.name())
				: this.directory.insertIfAbsent(text, source, DirectoryEntry.State.MOVING, target.name());
		if (!marked) {
			throw new ShardlineException("Key '" + key + "' changed while the move started; try again");
		}
		this.directory.invalidate(key);
		pause(this.directory.cacheTtl().plusMillis(100));
		this.listener.before(Step.COPY, text);
		Map<String, Integer> copied = new LinkedHashMap<>();
		for (Map.Entry<String, String> table : this.tables.entrySet()) {
			copied.put(table.getKey(), copy(key, table.getKey(), table.getValue(), source, target.name()));
		}
		this.listener.before(Step.VERIFY, text);
		for (Map.Entry<String, String> table : this.tables.entrySet()) {
			verify(key, table.getKey(), table.getValue(), source, target.name());
		}
		this.listener.before(Step.FLIP, text);
		DirectoryEntry moving = this.directory.readText(text).orElseThrow();
		if (!this.directory.compareAndSet(text, moving.version(), target.name(), DirectoryEntry.State.CLEANING,
				source)) {
			throw new ShardlineException("Key '" + key + "' changed during its move; recover it");
		}
		this.directory.invalidate(key);
		pause(this.directory.cacheTtl().plusMillis(100));
		finish(key, text, target.name(), source);
		logger.info("Moved key " + text + " from " + source + " to " + target.name() + ": " + copied);
		return new MoveReport(text, source, target.name(), copied);
	}

	/**
	 * Recovers moves interrupted by a crash: MOVING entries roll back, CLEANING entries are
	 * finished. Only entries unchanged for at least {@code staleAfter} are touched, so a move
	 * still running on another instance is left alone.
	 * @param staleAfter how long an entry must have been unchanged
	 * @return the keys recovered
	 */
	public List<String> recoverInterruptedMoves(Duration staleAfter) {
		List<String> recovered = new ArrayList<>();
		for (DirectoryEntry entry : this.directory.entriesIn(DirectoryEntry.State.MOVING, staleAfter)) {
			Object key = keyOf(entry.key());
			for (String table : reversed(this.tables.keySet())) {
				delete(key, table, this.tables.get(table), entry.otherShard());
			}
			if (this.directory.compareAndSet(entry.key(), entry.version(), entry.shard(), DirectoryEntry.State.ACTIVE,
					null)) {
				this.directory.invalidate(key);
				recovered.add(entry.key());
				logger.warn("Rolled back the interrupted move of " + entry.key() + " to " + entry.otherShard()
						+ "; it stays on " + entry.shard());
			}
		}
		for (DirectoryEntry entry : this.directory.entriesIn(DirectoryEntry.State.CLEANING, staleAfter)) {
			Object key = keyOf(entry.key());
			finish(key, entry.key(), entry.shard(), entry.otherShard());
			recovered.add(entry.key());
			logger.warn("Finished the interrupted move of " + entry.key() + " to " + entry.shard());
		}
		return recovered;
	}

	private void finish(Object key, String text, String owner, String oldSource) {
		this.listener.before(Step.SWEEP, text);
		for (Map.Entry<String, String> table : this.tables.entrySet()) {
			// Rows a slow writer committed on the source after the copy: acknowledged, so kept.
			copy(key, table.getKey(), table.getValue(), oldSource, owner);
		}
		for (String table : reversed(this.tables.keySet())) {
			delete(key, table, this.tables.get(table), oldSource);
		}
		this.listener.before(Step.DONE, text);
		DirectoryEntry cleaning = this.directory.readText(text).orElseThrow();
		this.directory.compareAndSet(text, cleaning.version(), owner, DirectoryEntry.State.ACTIVE, null);
		this.directory.invalidate(key);
	}

	private int copy(Object key, String table, String column, String from, String to) {
		List<Map<String, Object>> rows = rows(key, table, column, from);
		if (rows.isEmpty()) {
			return 0;
		}
		List<String> columns = new ArrayList<>(rows.get(0).keySet());
		String sql = "INSERT IGNORE INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
				+ String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
		int inserted = 0;
		try (Connection connection = primary(to).getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				for (Map<String, Object> row : rows) {
					for (int i = 0; i < columns.size(); i++) {
						statement.setObject(i + 1, row.get(columns.get(i)));
					}
					statement.addBatch();
				}
				for (int count : statement.executeBatch()) {
					inserted += (count > 0) ? 1 : 0;
				}
				connection.commit();
			}
			catch (SQLException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
		catch (SQLException ex) {
			throw new ShardlineException("Copying " + table + " rows of " + DirectoryKeys.text(key) + " to " + to
					+ " failed: " + ex.getMessage(), ex);
		}
		return inserted;
	}

	private void verify(Object key, String table, String column, String from, String to) {
		List<String> source = canonical(rows(key, table, column, from));
		List<String> target = canonical(rows(key, table, column, to));
		if (source.size() != target.size() || !digest(source).equals(digest(target))) {
			throw new ShardlineException("Verification of " + table + " rows of " + DirectoryKeys.text(key)
					+ " failed: " + source.size() + " rows on " + from + ", " + target.size() + " on " + to
					+ "; the move is left MOVING: run recoverInterruptedMoves() to roll it back");
		}
	}

	private void delete(Object key, String table, String column, String shard) {
		try (Connection connection = primary(shard).getConnection();
				PreparedStatement statement = connection
					.prepareStatement("DELETE FROM " + table + " WHERE " + column + " = ?")) {
			statement.setObject(1, sqlValue(key));
			statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new ShardlineException("Deleting " + table + " rows of " + DirectoryKeys.text(key) + " on " + shard
					+ " failed: " + ex.getMessage(), ex);
		}
	}

	private List<Map<String, Object>> rows(Object key, String table, String column, String shard) {
		List<Map<String, Object>> rows = new ArrayList<>();
		try (Connection connection = primary(shard).getConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT * FROM " + table + " WHERE " + column + " = ?")) {
			statement.setObject(1, sqlValue(key));
			try (ResultSet rs = statement.executeQuery()) {
				ResultSetMetaData meta = rs.getMetaData();
				while (rs.next()) {
					Map<String, Object> row = new LinkedHashMap<>();
					for (int i = 1; i <= meta.getColumnCount(); i++) {
						row.put(meta.getColumnLabel(i), rs.getObject(i));
					}
					rows.add(row);
				}
			}
		}
		catch (SQLException ex) {
			throw new ShardlineException("Reading " + table + " rows of " + DirectoryKeys.text(key) + " on " + shard
					+ " failed: " + ex.getMessage(), ex);
		}
		return rows;
	}

	private static List<String> canonical(List<Map<String, Object>> rows) {
		List<String> lines = new ArrayList<>();
		for (Map<String, Object> row : rows) {
			StringBuilder line = new StringBuilder();
			row.forEach((column, value) -> line.append(column).append('=')
				.append((value instanceof byte[] bytes) ? HexFormat.of().formatHex(bytes) : String.valueOf(value))
				.append('\u0001'));
			lines.add(line.toString());
		}
		Collections.sort(lines);
		return lines;
	}

	private static String digest(List<String> lines) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (String line : lines) {
				sha.update(line.getBytes(StandardCharsets.UTF_8));
				sha.update((byte) '\n');
			}
			return HexFormat.of().formatHex(sha.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private DataSource primary(String shard) {
		return this.router.shardNamed(shard).currentPrimary().dataSource();
	}

	private static Object sqlValue(Object key) {
		Object normal = DirectoryKeys.normalize(key);
		if (normal instanceof java.nio.ByteBuffer bytes) {
			return bytes.array();
		}
		return (normal instanceof java.util.UUID uuid) ? uuid.toString() : normal;
	}

	static Object keyOf(String text) {
		String value = text.substring(2);
		return switch (text.charAt(0)) {
			case 'l' -> Long.parseLong(value);
			case 'u' -> java.util.UUID.fromString(value);
			case 'b' -> HexFormat.of().parseHex(value);
			default -> value;
		};
	}

	private static List<String> reversed(java.util.Collection<String> tables) {
		List<String> list = new ArrayList<>(tables);
		Collections.reverse(list);
		return list;
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ShardlineException("Move interrupted; run recoverInterruptedMoves()", ex);
		}
	}

	/** The steps of a move, in order. */
	public enum Step {

		/** Mark the entry MOVING. */
		MARK,

		/** Copy the rows. */
		COPY,

		/** Compare counts and checksums. */
		VERIFY,

		/** Hand the key to the target. */
		FLIP,

		/** Copy late rows and delete the source's. */
		SWEEP,

		/** Mark the entry ACTIVE. */
		DONE

	}

	/** Told before each step of a move: a progress report (and where tests simulate a crash). */
	@FunctionalInterface
	public interface StepListener {

		/** A listener that does nothing. */
		StepListener NONE = (step, key) -> {
		};

		/**
		 * A step is about to run.
		 * @param step the step
		 * @param key the key's stored text
		 */
		void before(Step step, String key);

	}

	/**
	 * What a move did.
	 *
	 * @param key the key's stored text
	 * @param from the source shard
	 * @param to the target shard
	 * @param copiedRows rows copied per table
	 */
	public record MoveReport(String key, String from, String to, Map<String, Integer> copiedRows) {
	}

}
