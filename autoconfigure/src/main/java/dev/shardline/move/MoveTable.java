package dev.shardline.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One move table as found on a server ({@code information_schema} of the connection's current
 * schema): its columns with their exact read and write SQL, its primary key, and the foreign
 * keys and triggers that {@link RowCopier#preflight} refuses.
 */
public final class MoveTable {

	private static final Pattern CHARSET = Pattern.compile("[A-Za-z0-9_]+");

	private final String name;

	private final String keyColumn;

	private final String server;

	private final List<MoveColumn> columns;

	private final List<String> primaryKey;

	private final List<String> foreignKeys;

	private final List<String> triggers;

	private MoveTable(String name, String keyColumn, String server, List<MoveColumn> columns, List<String> primaryKey,
			List<String> foreignKeys, List<String> triggers) {
		this.name = name;
		this.keyColumn = keyColumn;
		this.server = server;
		this.columns = Collections.unmodifiableList(columns);
		this.primaryKey = Collections.unmodifiableList(primaryKey);
		this.foreignKeys = Collections.unmodifiableList(foreignKeys);
		this.triggers = Collections.unmodifiableList(triggers);
	}

	/**
	 * Reads a table's definition from the connection's current schema ({@code DATABASE()}).
	 * @param connection a connection to the server
	 * @param table the table's name
	 * @param keyColumn the column holding the moved key
	 * @return the table
	 * @throws MoveRefusedException if the table does not exist (or is a view or system-versioned),
	 * lacks the key column or a primary key, or has a column of a type that cannot be copied
	 * exactly
	 * @throws SQLException if the server cannot be read
	 */
	public static MoveTable read(Connection connection, String table, String keyColumn) throws SQLException {
		// information_schema renders generation expressions in the session's sql_mode
		// (ANSI_QUOTES turns `a` into "a"): read every server in the same mode
		try (ExactSession session = ExactSession.pin(connection)) {
			return readPinned(connection, table, keyColumn);
		}
	}

	private static MoveTable readPinned(Connection connection, String table, String keyColumn) throws SQLException {
		String schema;
		String server;
		try (PreparedStatement statement = connection.prepareStatement("SELECT DATABASE(), @@hostname, @@port");
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			schema = rs.getString(1);
			server = "schema '" + schema + "' on " + rs.getString(2) + ":" + rs.getString(3);
		}
		if (schema == null) {
			throw new MoveRefusedException(table, null, "the connection has no current schema (DATABASE() is NULL)");
		}
		String name = null;
		String type = null;
		try (PreparedStatement statement = connection.prepareStatement(
				"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
			statement.setString(1, schema);
			statement.setString(2, table);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					// information_schema may match case-insensitively; prefer the exact spelling
					if (name == null || rs.getString(1).equals(table)) {
						name = rs.getString(1);
						type = rs.getString(2);
					}
				}
			}
		}
		if (name == null) {
			throw new MoveRefusedException(table, null, "it does not exist in " + server);
		}
		if (!"BASE TABLE".equalsIgnoreCase(type)) {
			throw new MoveRefusedException(table, null, "it is a " + type + " in " + server
					+ ", not a plain table (views and system-versioned tables cannot be moved)");
		}
		List<MoveColumn> columns = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_NAME, ORDINAL_POSITION, "
				+ "DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION, EXTRA "
				+ "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
			statement.setString(1, schema);
			statement.setString(2, name);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					columns.add(new MoveColumn(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
							"YES".equalsIgnoreCase(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8),
							rs.getString(9)));
				}
			}
		}
		String key = null;
		for (MoveColumn column : columns) {
			if (column.name().equalsIgnoreCase(keyColumn)) {
				key = column.name();
			}
			if (column.kind() == MoveColumn.Kind.UNSUPPORTED) {
				throw new MoveRefusedException(name, column.name(), "its type " + column.columnType()
						+ " cannot be copied exactly by Shardline; leave the table out of the move tables");
			}
			if (column.kind() == MoveColumn.Kind.STRING
					&& (column.charset() == null || !CHARSET.matcher(column.charset()).matches())) {
				throw new MoveRefusedException(name, column.name(),
						"its character set '" + column.charset() + "' is not known");
			}
		}
		if (key == null) {
			throw new MoveRefusedException(name, keyColumn, "the key column does not exist in " + server);
		}
		List<String> primaryKey = strings(connection, "SELECT COLUMN_NAME FROM information_schema.STATISTICS "
				+ "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX", schema,
				name);
		if (primaryKey.isEmpty()) {
			throw new MoveRefusedException(name, null, "it has no primary key in " + server
					+ "; rows are compared and replaced by primary key, so add one");
		}
		List<String> foreignKeys = strings(connection,
				"SELECT CONCAT(CONSTRAINT_NAME, ' (', TABLE_NAME, ' -> ', REFERENCED_TABLE_NAME, ')') "
						+ "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE (CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?) "
						+ "OR (UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?) ORDER BY 1",
				schema, name, schema, name);
		List<String> triggers = strings(connection, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
				+ "WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? ORDER BY 1", schema, name);
		return new MoveTable(name, key, server, columns, primaryKey, foreignKeys, triggers);
	}

	private static List<String> strings(Connection connection, String sql, String... parameters) throws SQLException {
		List<String> values = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setString(i + 1, parameters[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					values.add(rs.getString(1));
				}
			}
		}
		return values;
	}

	/**
	 * The table's name as the server spells it.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The column holding the moved key.
	 * @return the key column
	 */
	public String keyColumn() {
		return this.keyColumn;
	}

	/**
	 * The primary key's columns, in index order.
	 * @return the primary key columns
	 */
	public List<String> primaryKey() {
		return this.primaryKey;
	}

	/**
	 * All columns in table order, generated ones included (and flagged).
	 * @return the columns
	 */
	public List<MoveColumn> columns() {
		return this.columns;
	}

	/**
	 * Foreign keys declared on the table or referencing it, e.g. {@code fk_x (orders -> customers)}.
	 * @return the foreign keys
	 */
	public List<String> foreignKeys() {
		return this.foreignKeys;
	}

	/**
	 * Names of the triggers on the table.
	 * @return the trigger names
	 */
	public List<String> triggers() {
		return this.triggers;
	}

	/**
	 * Where the table was read, for messages (schema and server).
	 * @return the description
	 */
	public String server() {
		return this.server;
	}

	/** The columns that are written (every column that is not generated). */
	List<MoveColumn> storedColumns() {
		return this.columns.stream().filter((column) -> !column.generated()).toList();
	}

	/** The primary key's columns as {@link MoveColumn}s. */
	List<MoveColumn> primaryKeyColumns() {
		List<MoveColumn> result = new ArrayList<>();
		for (String name : this.primaryKey) {
			result.add(column(name));
		}
		return result;
	}

	/**
	 * A column by name (case-insensitive, as MySQL matches column names).
	 * @param name the column's name
	 * @return the column
	 */
	MoveColumn column(String name) {
		for (MoveColumn column : this.columns) {
			if (column.name().equalsIgnoreCase(name)) {
				return column;
			}
		}
		throw new IllegalArgumentException("No column " + name + " in " + this.name);
	}

	/** The quoted table name. */
	String quotedName() {
		return MoveColumn.quote(this.name);
	}

	/** {@code ORDER BY} list of the primary key. */
	String orderByPrimaryKey() {
		return String.join(", ", this.primaryKey.stream().map(MoveColumn::quote).toList());
	}

	@Override
	public String toString() {
		return this.name + this.columns + " PRIMARY KEY " + this.primaryKey + " in " + this.server;
	}

}
