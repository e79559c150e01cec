package dev.shardline.move;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Pins {@code time_zone} and {@code sql_mode} on a connection and restores the caller's
 * values on close (saved in user variables by the same statement: values are read before
 * any assignment of a {@code SET} takes effect).
 */
final class ExactSession implements AutoCloseable {

	private final Connection connection;

	private ExactSession(Connection connection) {
		this.connection = connection;
	}

	static ExactSession pin(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET @shardline_move_time_zone = @@session.time_zone, "
					+ "@shardline_move_sql_mode = @@session.sql_mode, time_zone = '+00:00', sql_mode = '" + RowCopier.SQL_MODE
					+ "'");
		}
		return new ExactSession(connection);
	}

	@Override
	public void close() throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SET time_zone = @shardline_move_time_zone, sql_mode = @shardline_move_sql_mode, "
					+ "@shardline_move_time_zone = NULL, @shardline_move_sql_mode = NULL");
		}
	}

}
