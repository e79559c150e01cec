package dev.shardline.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The state of a replica, parsed from a row of {@code SHOW REPLICA STATUS} ({@code SHOW SLAVE STATUS}), with
 * either MySQL 8.0.22+ column names ({@code Replica_*}, {@code *_Source}) or MariaDB / older MySQL ones
 * ({@code Slave_*}, {@code *_Master}). Immutable; keeps only the fields below, never the replication user or
 * credentials.
 */
public final class ReplicaStatus {

	// MySQL and MariaDB report a malformed statement as ER_PARSE_ERROR.
	private static final int PARSE_ERROR = 1064;

	private final String ioThread;

	private final String sqlThread;

	private final Long secondsBehind;

	private final String sourceHost;

	private final int sourcePort;

	private final String lastIoError;

	private final String lastSqlError;

	private final String executedGtids;

	private final String receivedGtids;

	private ReplicaStatus(Map<String, String> row) {
		this.ioThread = required(row, "Replica_IO_Running", "Slave_IO_Running");
		this.sqlThread = required(row, "Replica_SQL_Running", "Slave_SQL_Running");
		this.secondsBehind = number(row, "Seconds_Behind_Source", "Seconds_Behind_Master");
		this.sourceHost = value(row, "Source_Host", "Master_Host");
		Long port = number(row, "Source_Port", "Master_Port");
		this.sourcePort = (port != null) ? port.intValue() : 0;
		this.lastIoError = nonEmpty(value(row, "Last_IO_Error"));
		this.lastSqlError = nonEmpty(value(row, "Last_SQL_Error"));
		this.executedGtids = value(row, "Executed_Gtid_Set");
		this.receivedGtids = value(row, "Retrieved_Gtid_Set", "Gtid_IO_Pos");
	}

	/**
	 * Parses one status row.
	 * @param row column name to value (names matched ignoring case; values may be null, a null
	 * {@code Seconds_Behind_*} meaning unknown lag)
	 * @return the status
	 * @throws IllegalArgumentException if the row has no IO/SQL thread columns (is not a replica status row) or
	 * a numeric column holds something else
	 */
	public static ReplicaStatus from(Map<String, String> row) {
		Objects.requireNonNull(row, "row");
		Map<String, String> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		columns.putAll(row);
		return new ReplicaStatus(columns);
	}

	/**
	 * Reads the status of the server behind {@code connection}: {@code SHOW REPLICA STATUS}, or
	 * {@code SHOW SLAVE STATUS} if the server does not know that syntax (MySQL before 8.0.22, MariaDB before
	 * 10.5.1). With several replication channels, only the first row is read. Needs {@code REPLICATION CLIENT}
	 * (MySQL) or {@code SLAVE MONITOR} / {@code REPLICA MONITOR} (MariaDB 10.5.9+).
	 * @param connection a connection to the server
	 * @param timeout query timeout, rounded up to whole seconds, at least one
	 * @return the status, or empty if the server is not a replica
	 * @throws SQLException if the query fails (including a missing privilege)
	 */
	public static Optional<ReplicaStatus> read(Connection connection, Duration timeout) throws SQLException {
		Objects.requireNonNull(connection, "connection");
		GtidWaits.requireTimeout(timeout);
		int seconds = GtidWaits.queryTimeoutSeconds(timeout);
		Map<String, String> row;
		try {
			row = firstRow(connection, "SHOW REPLICA STATUS", seconds);
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() != PARSE_ERROR) {
				throw ex;
			}
			row = firstRow(connection, "SHOW SLAVE STATUS", seconds);
		}
		return (row != null) ? Optional.of(from(row)) : Optional.empty();
	}

	/** Whether the receiver (IO) thread runs and is connected ({@code Connecting} counts as not running). */
	public boolean ioRunning() {
		return "Yes".equalsIgnoreCase(this.ioThread);
	}

	/** Whether the applier (SQL) thread runs. */
	public boolean sqlRunning() {
		return "Yes".equalsIgnoreCase(this.sqlThread);
	}

	/** Whether both replication threads run. */
	public boolean isReplicating() {
		return ioRunning() && sqlRunning();
	}

	/**
	 * The lag the server reports ({@code Seconds_Behind_*}). Empty when it is unknown: reported as NULL, or
	 * either thread is not running (a stopped replica falls behind without the number showing it). Never
	 * substitute zero for empty.
	 * @return the lag in seconds, or empty if unknown
	 */
	public OptionalLong lagSeconds() {
		if (this.secondsBehind == null || !isReplicating()) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(this.secondsBehind);
	}

	/** The host the replica replicates from, or null. */
	public String sourceHost() {
		return this.sourceHost;
	}

	/** The port the replica replicates from, or 0 if not reported. */
	public int sourcePort() {
		return this.sourcePort;
	}

	/** The last receiver (IO) error, else the last applier (SQL) error, or null if neither is set. */
	public String lastError() {
		return (this.lastIoError != null) ? this.lastIoError : this.lastSqlError;
	}

	/**
	 * The GTID set the replica has executed ({@code Executed_Gtid_Set}, MySQL). Null on MariaDB, whose status
	 * row has no applied position: read {@code @@gtid_slave_pos} instead
	 * ({@link GtidWaits#readPosition(Connection, GtidPosition.Flavor, boolean)}).
	 * @return the MySQL GTID set text, or null
	 */
	public String executedGtids() {
		return this.executedGtids;
	}

	/**
	 * The GTIDs the receiver thread has fetched from the source, applied or not ({@code Retrieved_Gtid_Set} on
	 * MySQL, {@code Gtid_IO_Pos} on MariaDB). Never proof that a transaction is visible on the replica.
	 * @return the GTID text, or null
	 */
	public String receivedGtids() {
		return this.receivedGtids;
	}

	@Override
	public String toString() {
		String lag = lagSeconds().isPresent() ? lagSeconds().getAsLong() + "s" : "unknown";
		String error = lastError();
		return "ReplicaStatus[io=" + this.ioThread + ", sql=" + this.sqlThread + ", lag=" + lag + ", source="
				+ this.sourceHost + ":" + this.sourcePort + ((error != null) ? ", lastError=" + error : "") + "]";
	}

	private static Map<String, String> firstRow(Connection connection, String sql, int timeoutSeconds)
			throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.setQueryTimeout(timeoutSeconds);
			try (ResultSet result = statement.executeQuery(sql)) {
				if (!result.next()) {
					return null;
				}
				ResultSetMetaData meta = result.getMetaData();
				Map<String, String> row = new LinkedHashMap<>();
				for (int i = 1; i <= meta.getColumnCount(); i++) {
					row.put(meta.getColumnLabel(i), result.getString(i));
				}
				return row;
			}
		}
	}

	private static String required(Map<String, String> row, String name, String oldName) {
		if (!row.containsKey(name) && !row.containsKey(oldName)) {
			throw new IllegalArgumentException(
					"Not a replica status row: neither " + name + " nor " + oldName + " in " + row.keySet());
		}
		return value(row, name, oldName);
	}

	private static String value(Map<String, String> row, String... names) {
		for (String name : names) {
			if (row.containsKey(name)) {
				return row.get(name);
			}
		}
		return null;
	}

	private static Long number(Map<String, String> row, String name, String oldName) {
		String text = value(row, name, oldName);
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return Long.valueOf(text.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Replica status column " + name + "/" + oldName
					+ " is not a number: '" + text + "'", ex);
		}
	}

	private static String nonEmpty(String text) {
		return (text == null || text.isEmpty()) ? null : text;
	}

}
