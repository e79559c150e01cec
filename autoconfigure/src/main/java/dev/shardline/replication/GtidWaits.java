package dev.shardline.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.shardline.replication.GtidPosition.Flavor;

/**
 * SQL for reading GTID positions and for waiting, bounded and server-side, until a replica has applied one
 * (read-your-writes on a replica).
 */
public final class GtidWaits {

	/** MariaDB: the GTID of the last transaction this session wrote (empty if it wrote none). */
	public static final String MARIADB_LAST_GTID_SQL = "SELECT @@last_gtid";

	private static final String MARIADB_WAIT_SQL = "SELECT MASTER_GTID_WAIT(?, ?)";

	private static final String MYSQL_WAIT_SQL = "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";

	private GtidWaits() {
	}

	/**
	 * SQL with two parameters (position text, timeout in fractional seconds) that waits on a replica until the
	 * position is applied. MariaDB's {@code MASTER_GTID_WAIT} returns 0 when reached and -1 on timeout; MySQL's
	 * {@code WAIT_FOR_EXECUTED_GTID_SET} returns 0 and 1.
	 * @param flavor the server family
	 * @return the query
	 */
	public static String waitSql(Flavor flavor) {
		return (flavor == Flavor.MARIADB) ? MARIADB_WAIT_SQL : MYSQL_WAIT_SQL;
	}

	/**
	 * SQL returning a server's current position. MariaDB: {@code @@gtid_slave_pos} on a replica (what it has
	 * applied from its source) and {@code @@gtid_binlog_pos} on a primary (what it has written); MySQL:
	 * {@code @@global.gtid_executed} on either.
	 * @param flavor the server family
	 * @param replica whether the server is a replica
	 * @return the query
	 */
	public static String positionSql(Flavor flavor, boolean replica) {
		if (flavor == Flavor.MYSQL) {
			return "SELECT @@GLOBAL.gtid_executed";
		}
		return replica ? "SELECT @@GLOBAL.gtid_slave_pos" : "SELECT @@GLOBAL.gtid_binlog_pos";
	}

	/**
	 * Whether the server is MariaDB. Asks {@code SELECT VERSION()}: Connector/J reports MariaDB as
	 * {@code 5.5.5-10.x}, so {@code DatabaseMetaData} version checks are wrong.
	 * @param connection a connection to the server
	 * @return whether it is MariaDB
	 * @throws SQLException if the query fails
	 */
	public static boolean isMariaDb(Connection connection) throws SQLException {
		String version = queryString(connection, "SELECT VERSION()");
		return version != null && version.contains("MariaDB");
	}

	/**
	 * Waits on a replica until it has applied {@code position}, for at most {@code timeout}. The wait runs on
	 * the server ({@code MASTER_GTID_WAIT} or {@code WAIT_FOR_EXECUTED_GTID_SET}, chosen by the position's
	 * flavor); a client-side query timeout one second later guards against a server that stops answering.
	 * @param replica connection to the replica
	 * @param position the position to reach; an empty one is reached without asking the server
	 * @param timeout how long to wait; zero checks once
	 * @return whether the position was reached in time
	 * @throws SQLException if the query fails or returns neither "reached" nor "timed out"
	 * @throws IllegalArgumentException if the timeout is negative (which would make MariaDB wait forever)
	 */
	public static boolean await(Connection replica, GtidPosition position, Duration timeout) throws SQLException {
		Objects.requireNonNull(replica, "replica");
		Objects.requireNonNull(position, "position");
		requireTimeout(timeout);
		if (position.isEmpty()) {
			return true;
		}
		Flavor flavor = position.flavor();
		try (PreparedStatement statement = replica.prepareStatement(waitSql(flavor))) {
			statement.setQueryTimeout(queryTimeoutSeconds(timeout) + 1);
			statement.setString(1, position.toString());
			statement.setDouble(2, timeout.toNanos() / 1e9);
			try (ResultSet result = statement.executeQuery()) {
				Long code = result.next() ? result.getObject(1, Long.class) : null;
				if (code != null && code == 0) {
					return true;
				}
				if (code != null && code == ((flavor == Flavor.MARIADB) ? -1 : 1)) {
					return false;
				}
				// NULL means the server could not wait (e.g. the position is not valid there): not a timeout.
				throw new SQLException(
						"Unexpected result " + code + " of " + waitSql(flavor) + " for position '" + position + "'");
			}
		}
	}

	/**
	 * Reads a server's current position with {@link #positionSql(Flavor, boolean)}.
	 * @param connection a connection to the server
	 * @param flavor the server family
	 * @param replica whether the server is a replica
	 * @return the position (empty when nothing was applied or written)
	 * @throws SQLException if the query fails
	 */
	public static GtidPosition readPosition(Connection connection, Flavor flavor, boolean replica)
			throws SQLException {
		String text = queryString(connection, positionSql(flavor, replica));
		return GtidPosition.parse((text != null) ? text : "", flavor);
	}

	/**
	 * MariaDB only: the GTID of the last transaction this session wrote, the position a replica must reach for
	 * the session to read its own write there.
	 * @param session the connection that wrote
	 * @return the position, or empty if the session has written nothing
	 * @throws SQLException if the query fails (as it does on MySQL, which has no {@code @@last_gtid})
	 */
	public static Optional<GtidPosition> readLastGtid(Connection session) throws SQLException {
		String text = queryString(session, MARIADB_LAST_GTID_SQL);
		return (text == null || text.isBlank()) ? Optional.empty() : Optional.of(GtidPosition.parseMariaDb(text));
	}

	static void requireTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("Timeout must not be negative: " + timeout);
		}
	}

	/** JDBC query timeouts are whole seconds and 0 means none, so round up and never go below 1. */
	static int queryTimeoutSeconds(Duration timeout) {
		long seconds = timeout.getSeconds() + ((timeout.getNano() > 0) ? 1 : 0);
		return (int) Math.min(Integer.MAX_VALUE - 1, Math.max(1, seconds));
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
	}

}
