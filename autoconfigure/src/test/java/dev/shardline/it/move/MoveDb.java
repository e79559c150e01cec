package dev.shardline.it.move;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;

/**
 * Plain JDBC helpers for the move engine's tests: connections with chosen driver settings,
 * statements, and reads that compare servers without the engine's own SQL.
 */
final class MoveDb {

	private static final AtomicInteger TABLES = new AtomicInteger();

	private MoveDb() {
	}

	/** A fresh table name (tests on the shared topology drop what they create). */
	static String table(String prefix) {
		return prefix + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
	}

	/** The primary of a shard, as the application user, with extra URL parameters (e.g. "?a=b"). */
	static Connection open(MySqlTopology topology, int shard, String parameters) throws SQLException {
		TopologyNode node = topology.shard(shard).primary();
		return DriverManager.getConnection(node.jdbcUrl() + parameters, topology.appUser(), topology.appPassword());
	}

	static void execute(Connection connection, String... statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static String string(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			return rs.next() ? rs.getString(1) : null;
		}
	}

	/** Every row of a query, each as its columns' strings joined with '|' (NULL as the word). */
	static List<String> rows(Connection connection, String sql, Object... parameters) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				ResultSetMetaData meta = rs.getMetaData();
				while (rs.next()) {
					StringBuilder row = new StringBuilder();
					for (int i = 1; i <= meta.getColumnCount(); i++) {
						row.append((i > 1) ? "|" : "").append(rs.getString(i));
					}
					rows.add(row.toString());
				}
			}
		}
		return rows;
	}

	/** CHECKSUM TABLE: the server's checksum over the stored bytes of every row. */
	static long checksum(Connection connection, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("CHECKSUM TABLE `" + table + "` EXTENDED")) {
			rs.next();
			return rs.getLong(2);
		}
	}

	/**
	 * Each named column of a table as the server's exact text (HEX for strings, binary and
	 * spatial, a DOUBLE's shortest text for floating point), per row in key order, in a UTC
	 * session with an empty sql_mode: a readable, column-by-column comparison to go with CHECKSUM TABLE.
	 */
	static List<String> columnTexts(Connection connection, String table, String order, List<String> hexColumns,
			List<String> floatColumns, List<String> otherColumns) throws SQLException {
		List<String> expressions = new ArrayList<>();
		hexColumns.forEach((c) -> expressions.add("CONCAT('" + c + "=', IFNULL(HEX(`" + c + "`), 'null'))"));
		floatColumns.forEach((c) -> expressions
			.add("CONCAT('" + c + "=', IFNULL(CAST(CAST(`" + c + "` AS DOUBLE) AS CHAR), 'null'))"));
		otherColumns.forEach((c) -> expressions.add("CONCAT('" + c + "=', IFNULL(CAST(`" + c + "` AS CHAR), 'null'))"));
		String zone = string(connection, "SELECT @@session.time_zone");
		String mode = string(connection, "SELECT @@session.sql_mode");
		// the session's mode changes what a read shows (PAD_CHAR_TO_FULL_LENGTH pads CHAR)
		execute(connection, "SET time_zone = '+00:00', sql_mode = ''");
		try {
			return rows(connection,
					"SELECT " + String.join(", ", expressions) + " FROM `" + table + "` ORDER BY " + order);
		}
		finally {
			try (PreparedStatement statement = connection.prepareStatement("SET time_zone = ?, sql_mode = ?")) {
				statement.setString(1, zone);
				statement.setString(2, mode);
				statement.execute();
			}
		}
	}

}
