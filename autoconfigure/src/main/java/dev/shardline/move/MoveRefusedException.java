package dev.shardline.move;

import dev.shardline.ShardlineException;

/**
 * Thrown when a table cannot be moved safely (it differs between the servers, has no primary
 * key, has foreign keys or user triggers, or a column of a type the engine cannot copy
 * exactly). Nothing was written when it is thrown by {@link RowCopier#preflight}.
 */
public class MoveRefusedException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final String table;

	private final String column;

	private final String reason;

	/**
	 * Creates an exception.
	 * @param table the table
	 * @param column the column concerned, or {@code null}
	 * @param reason why the table cannot be moved and what to do
	 */
	public MoveRefusedException(String table, String column, String reason) {
		super("Cannot move rows of table '" + table + "'" + ((column != null) ? " (column '" + column + "')" : "")
				+ ": " + reason);
		this.table = table;
		this.column = column;
		this.reason = reason;
	}

	/**
	 * The table that cannot be moved.
	 * @return the table name
	 */
	public String table() {
		return this.table;
	}

	/**
	 * The column concerned, if the reason is about one.
	 * @return the column name or {@code null}
	 */
	public String column() {
		return this.column;
	}

	/**
	 * Why the table cannot be moved.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
