package dev.shardline.move;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.shardline.ShardlineException;

/**
 * Thrown when a key's rows differ between source and target: names the table, the first
 * differing primary key (in primary-key order) and how it differs.
 */
public class MoveVerificationException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final String table;

	private final Map<String, String> primaryKey;

	/**
	 * Creates an exception.
	 * @param table the table
	 * @param keyValue the moved key
	 * @param primaryKey the first differing row's primary key, column to readable value
	 * @param difference how the row differs, e.g. "is missing on the target"
	 * @param sourceRows rows of the key on the source
	 * @param targetRows rows of the key on the target
	 */
	public MoveVerificationException(String table, Object keyValue, Map<String, String> primaryKey, String difference,
			long sourceRows, long targetRows) {
		super("Verification of table '" + table + "' failed for key '" + Keys.display(keyValue)
				+ "': the row with primary key " + primaryKey + " " + difference + " (" + sourceRows
				+ " rows on the source, " + targetRows + " on the target)");
		this.table = table;
		this.primaryKey = Collections.unmodifiableMap(new LinkedHashMap<>(primaryKey));
	}

	/**
	 * The table whose rows differ.
	 * @return the table name
	 */
	public String table() {
		return this.table;
	}

	/**
	 * The primary key of the first differing row, column to a readable rendering of its value.
	 * @return the primary key
	 */
	public Map<String, String> primaryKey() {
		return this.primaryKey;
	}

}
