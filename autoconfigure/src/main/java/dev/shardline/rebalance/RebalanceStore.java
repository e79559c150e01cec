package dev.shardline.rebalance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.DirectoryUnavailableException;
import dev.shardline.directory.ShardDirectory;

/**
 * Rebalance plans and their keys, kept in the directory's database beside the directory table:
 * {@code <table>_rebalance} (one row per plan: state, kind, owner and lease) and
 * {@code <table>_rebalance_keys} (one row per key: from, to, rows, PENDING/DONE/FAILED). At most
 * one plan is unfinished at a time: its {@code active} column is 1 under a unique index, NULL once
 * finished. Lease times use the database's clock, so instances' clocks need not agree.
 */
public final class RebalanceStore {

	/** Key rows per multi-row insert when a plan is stored. */
	static final int INSERT_BATCH = 1000;

	private static final String PLAN_COLUMNS = "id, state, kind, description, created_at, updated_at, owner, "
			+ "(lease_until IS NULL OR lease_until < NOW(6)), last_error, throttled_ms";

	private final ShardDirectory directory;

	private final String plans;

	private final String keys;

	/**
	 * Creates the store.
	 * @param directory the directory whose database (and table name prefix) holds the plans
	 */
	public RebalanceStore(ShardDirectory directory) {
		this.directory = directory;
		this.plans = directory.table() + "_rebalance";
		this.keys = directory.table() + "_rebalance_keys";
	}

	/**
	 * The tables' DDL.
	 * @param directoryTable the directory table's name
	 * @return the statements, in order
	 */
	public static List<String> ddl(String directoryTable) {
		return List.of("CREATE TABLE IF NOT EXISTS " + directoryTable + "_rebalance (id BIGINT NOT NULL AUTO_INCREMENT "
				+ "PRIMARY KEY, state VARCHAR(16) NOT NULL, kind VARCHAR(16) NOT NULL, description VARCHAR(4000) NOT NULL, "
				+ "active TINYINT NULL, created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
				+ "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), owner VARCHAR(64) NULL, "
				+ "lease_until TIMESTAMP(6) NULL, last_error VARCHAR(2000) NULL, throttled_ms BIGINT NOT NULL DEFAULT 0, "
				+ "UNIQUE KEY shardline_one_active (active))",
				"CREATE TABLE IF NOT EXISTS " + directoryTable + "_rebalance_keys (plan_id BIGINT NOT NULL, "
						+ "shard_key VARBINARY(255) NOT NULL, from_shard VARCHAR(64) NOT NULL, to_shard VARCHAR(64) NOT NULL, "
						+ "row_count BIGINT NOT NULL, state VARCHAR(16) NOT NULL, attempts INT NOT NULL DEFAULT 0, "
						+ "done_at TIMESTAMP(6) NULL, PRIMARY KEY (plan_id, shard_key), "
						+ "KEY shardline_pending (plan_id, state, from_shard, to_shard))");
	}

	/**
	 * Stores a new plan (state PLANNED) with its keys, in one transaction.
	 * @param kind {@code add} or {@code remove}
	 * @param description what it does
	 * @param planned its keys
	 * @return the plan's id
	 * @throws ShardlineException when another plan is unfinished
	 */
	public long create(String kind, String description, List<PlannedKey> planned) {
		return inTransaction((connection) -> {
			long id;
			try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + this.plans
					+ " (state, kind, description, active, created_at, updated_at) VALUES ('PLANNED', ?, ?, 1, NOW(6), NOW(6))",
					java.sql.Statement.RETURN_GENERATED_KEYS)) {
				statement.setString(1, kind);
				statement.setString(2, truncate(description, 4000));
				statement.executeUpdate();
				try (ResultSet rs = statement.getGeneratedKeys()) {
					rs.next();
					id = rs.getLong(1);
				}
			}
			catch (java.sql.SQLIntegrityConstraintViolationException ex) {
				Plan open = readActive(connection).orElse(null);
				throw new ShardlineException("Another rebalance plan is unfinished"
						+ ((open != null) ? " (plan " + open.id() + ", " + open.state().tag() + ")" : "")
						+ ": cancel it or let it finish before planning a new one", ex);
			}
			for (int from = 0; from < planned.size(); from += INSERT_BATCH) {
				List<PlannedKey> part = planned.subList(from, Math.min(planned.size(), from + INSERT_BATCH));
				StringBuilder sql = new StringBuilder("INSERT INTO " + this.keys
						+ " (plan_id, shard_key, from_shard, to_shard, row_count, state) VALUES ");
				for (int i = 0; i < part.size(); i++) {
					sql.append((i > 0) ? ", " : "").append("(?, ?, ?, ?, ?, 'PENDING')");
				}
				try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
					int i = 1;
					for (PlannedKey key : part) {
						statement.setLong(i++, id);
						statement.setString(i++, key.key());
						statement.setString(i++, key.from());
						statement.setString(i++, key.to());
						statement.setLong(i++, key.rows());
					}
					statement.executeUpdate();
				}
			}
			return id;
		});
	}

	/** The unfinished plan, if any. */
	public Optional<Plan> active() {
		return execute(this::readActive);
	}

	/** The unfinished plan, else the newest finished one (for progress after it ended). */
	public Optional<Plan> current() {
		return execute((connection) -> {
			Optional<Plan> active = readActive(connection);
			return active.isPresent() ? active
					: readPlan(connection, "SELECT " + PLAN_COLUMNS + " FROM " + this.plans + " ORDER BY id DESC LIMIT 1");
		});
	}

	/**
	 * A plan by id.
	 * @param id its id
	 * @return the plan, if stored
	 */
	public Optional<Plan> plan(long id) {
		return execute((connection) -> readPlan(connection,
				"SELECT " + PLAN_COLUMNS + " FROM " + this.plans + " WHERE id = " + id));
	}

	/**
	 * Changes a plan's state if it is in one of the expected states. Moving to RUNNING makes the
	 * given instance its owner unless another owner's lease still holds; a finished state frees
	 * the slot for the next plan.
	 * @param id the plan
	 * @param expected states it may be in
	 * @param to the new state
	 * @param instance the instance asking (owner for RUNNING)
	 * @param lease the lease an owner gets
	 * @return whether the plan changed
	 */
	public boolean transition(long id, Set<PlanState> expected, PlanState to, String instance, Duration lease) {
		StringBuilder in = new StringBuilder();
		for (PlanState state : expected) {
			in.append((in.length() > 0) ? ", " : "").append('\'').append(state.name()).append('\'');
		}
		String owner = "";
		if (to == PlanState.RUNNING) {
			// The owner changes only if the old one's lease ran out; the lease is renewed when the
			// asking instance is the owner afterwards. Written to hold whether the server assigns left
			// to right (the default) or simultaneously (MariaDB's SIMULTANEOUS_ASSIGNMENT).
			owner = ", owner = IF(owner IS NULL OR lease_until IS NULL OR lease_until < NOW(6), ?, owner), "
					+ "lease_until = IF(owner = ? OR owner IS NULL OR lease_until IS NULL OR lease_until < NOW(6), "
					+ "NOW(6) + INTERVAL ? MICROSECOND, lease_until)";
		}
		String sql = "UPDATE " + this.plans + " SET state = ?, updated_at = NOW(6), active = "
				+ (to.finished() ? "NULL" : "1") + owner + " WHERE id = ? AND state IN (" + in + ")";
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				int i = 1;
				statement.setString(i++, to.name());
				if (to == PlanState.RUNNING) {
					statement.setString(i++, instance);
					statement.setString(i++, instance);
					statement.setLong(i++, lease.toNanos() / 1000);
				}
				statement.setLong(i, id);
				return statement.executeUpdate() == 1;
			}
		});
	}

	/**
	 * Ends a running plan owned by an instance.
	 * @param id the plan
	 * @param instance its owner
	 * @param to DONE or FAILED
	 * @param error the last error to record, or null to keep it
	 * @return whether the plan changed (false: it is no longer running, or another instance owns it)
	 */
	public boolean finish(long id, String instance, PlanState to, String error) {
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + this.plans
					+ " SET state = ?, updated_at = NOW(6), active = NULL, lease_until = NULL, "
					+ "last_error = COALESCE(?, last_error) WHERE id = ? AND state = 'RUNNING' AND owner = ?")) {
				statement.setString(1, to.name());
				statement.setString(2, (error != null) ? truncate(error, 2000) : null);
				statement.setLong(3, id);
				statement.setString(4, instance);
				return statement.executeUpdate() == 1;
			}
		});
	}

	/**
	 * Renews an owner's lease on an unfinished plan.
	 * @return false when the instance no longer owns it
	 */
	public boolean renew(long id, String instance, Duration lease) {
		return update("UPDATE " + this.plans + " SET lease_until = NOW(6) + INTERVAL ? MICROSECOND WHERE id = ? "
				+ "AND owner = ? AND active = 1", lease.toNanos() / 1000, id, instance) == 1;
	}

	/**
	 * Takes over a running plan whose owner's lease ran out.
	 * @return whether this instance owns it now
	 */
	public boolean takeOver(long id, String instance, Duration lease) {
		return update("UPDATE " + this.plans + " SET owner = ?, lease_until = NOW(6) + INTERVAL ? MICROSECOND WHERE id = ? "
				+ "AND state = 'RUNNING' AND (lease_until IS NULL OR lease_until < NOW(6))", instance,
				lease.toNanos() / 1000, id) == 1;
	}

	/** Gives up an owner's lease at once (an orderly shutdown), so another instance takes over soon. */
	public void release(long id, String instance) {
		update("UPDATE " + this.plans + " SET lease_until = NOW(6) WHERE id = ? AND owner = ?", id, instance);
	}

	/** Records a plan's last error. */
	public void error(long id, String error) {
		update("UPDATE " + this.plans + " SET last_error = ? WHERE id = ?", truncate(String.valueOf(error), 2000), id);
	}

	/** Adds to a plan's throttled time. */
	public void addThrottled(long id, long millis) {
		update("UPDATE " + this.plans + " SET throttled_ms = throttled_ms + ? WHERE id = ?", millis, id);
	}

	/**
	 * A plan's pending keys, by pair then key.
	 * @param id the plan
	 * @return the keys
	 */
	public List<PlannedKey> pending(long id) {
		return execute((connection) -> {
			List<PlannedKey> result = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT shard_key, from_shard, to_shard, row_count"
					+ " FROM " + this.keys + " WHERE plan_id = ? AND state = 'PENDING' ORDER BY from_shard, to_shard, shard_key")) {
				statement.setLong(1, id);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						result.add(new PlannedKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
					}
				}
			}
			return result;
		});
	}

	/**
	 * Marks pending keys done, in one statement.
	 * @param id the plan
	 * @param keyTexts the keys
	 */
	public void markDone(long id, Collection<String> keyTexts) {
		if (keyTexts.isEmpty()) {
			return;
		}
		update("UPDATE " + this.keys + " SET state = 'DONE', done_at = NOW(6) WHERE plan_id = ? AND state = 'PENDING' "
				+ "AND shard_key IN (" + placeholders(keyTexts.size()) + ")", concat(id, keyTexts));
	}

	/**
	 * Counts a failed attempt for pending keys; a key that failed {@code maxAttempts} times becomes FAILED.
	 * @param id the plan
	 * @param keyTexts the keys
	 * @param maxAttempts attempts before a key fails for good
	 */
	public void attemptFailed(long id, Collection<String> keyTexts, int maxAttempts) {
		if (keyTexts.isEmpty()) {
			return;
		}
		// state before attempts: both read the old attempts, whichever way the server orders assignments.
		update("UPDATE " + this.keys + " SET state = IF(attempts + 1 >= " + maxAttempts + ", 'FAILED', state), "
				+ "attempts = attempts + 1 WHERE plan_id = ? AND state = 'PENDING' AND shard_key IN ("
				+ placeholders(keyTexts.size()) + ")", concat(id, keyTexts));
	}

	/**
	 * Records that a pending key now lives on another shard than planned (pinned or moved meanwhile):
	 * it is moved from there.
	 */
	public void rehome(long id, String keyText, String from) {
		update("UPDATE " + this.keys + " SET from_shard = ? WHERE plan_id = ? AND shard_key = ? AND state = 'PENDING'",
				from, id, keyText);
	}

	/**
	 * Counts of a plan's keys and rows by pair and state.
	 * @param id the plan
	 * @return one row per (from, to, state)
	 */
	public List<Count> counts(long id) {
		return execute((connection) -> {
			List<Count> result = new ArrayList<>();
			try (PreparedStatement statement = connection.prepareStatement("SELECT from_shard, to_shard, state, COUNT(*), "
					+ "COALESCE(SUM(row_count), 0) FROM " + this.keys + " WHERE plan_id = ? GROUP BY from_shard, to_shard, state")) {
				statement.setLong(1, id);
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						result.add(new Count(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
					}
				}
			}
			return result;
		});
	}

	/**
	 * The directory's entries of some keys, read from its primary in one query.
	 * @param keyTexts the keys' stored text
	 * @return entry by key text (keys without an entry are absent)
	 */
	public Map<String, DirectoryEntry> entries(Collection<String> keyTexts) {
		Map<String, DirectoryEntry> result = new HashMap<>();
		if (keyTexts.isEmpty()) {
			return result;
		}
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT shard_key, shard, state, other_shard, "
					+ "version FROM " + this.directory.table() + " WHERE shard_key IN (" + placeholders(keyTexts.size()) + ")")) {
				int i = 1;
				for (String key : keyTexts) {
					statement.setString(i++, key);
				}
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						result.put(rs.getString(1), new DirectoryEntry(rs.getString(1), rs.getString(2),
								DirectoryEntry.State.valueOf(rs.getString(3)), rs.getString(4), rs.getLong(5)));
					}
				}
			}
			return result;
		});
	}

	private Optional<Plan> readActive(Connection connection) throws SQLException {
		return readPlan(connection, "SELECT " + PLAN_COLUMNS + " FROM " + this.plans + " WHERE active = 1");
	}

	private static Optional<Plan> readPlan(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
			if (!rs.next()) {
				return Optional.empty();
			}
			return Optional.of(new Plan(rs.getLong(1), PlanState.valueOf(rs.getString(2)), rs.getString(3),
					rs.getString(4), instant(rs.getTimestamp(5)), instant(rs.getTimestamp(6)), rs.getString(7),
					rs.getBoolean(8), rs.getString(9), rs.getLong(10)));
		}
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static String placeholders(int count) {
		return String.join(", ", java.util.Collections.nCopies(count, "?"));
	}

	private static Object[] concat(long id, Collection<String> keyTexts) {
		Object[] values = new Object[keyTexts.size() + 1];
		values[0] = id;
		int i = 1;
		for (String key : keyTexts) {
			values[i++] = key;
		}
		return values;
	}

	private static String truncate(String text, int length) {
		return (text.length() <= length) ? text : text.substring(0, length);
	}

	private int update(String sql, Object... values) {
		return execute((connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				for (int i = 0; i < values.length; i++) {
					statement.setObject(i + 1, values[i]);
				}
				return statement.executeUpdate();
			}
		});
	}

	private <T> T execute(Work<T> work) {
		try (Connection connection = this.directory.openPrimaryConnection()) {
			return work.run(connection);
		}
		catch (SQLException ex) {
			throw new DirectoryUnavailableException("Rebalance tables of " + this.directory.table()
					+ " could not be used: " + ex.getMessage(), ex);
		}
	}

	private <T> T inTransaction(Work<T> work) {
		return execute((connection) -> {
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
		});
	}

	@FunctionalInterface
	private interface Work<T> {

		T run(Connection connection) throws SQLException;

	}

	/**
	 * Keys and rows of one pair in one state.
	 *
	 * @param from the source shard
	 * @param to the target shard
	 * @param state PENDING, DONE or FAILED
	 * @param keys keys
	 * @param rows their planned rows
	 */
	public record Count(String from, String to, String state, long keys, long rows) {
	}

}
