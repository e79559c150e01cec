package dev.shardline.move;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * Binding and showing a moved key's value (what JDBC binds: Long, String, byte[]), or a list of
 * them moved together (a key value itself is never a list).
 */
final class Keys {

	/** Keys shown in a message before the rest is summarised. */
	private static final int SHOWN = 3;

	private Keys() {
	}

	/** The condition selecting the key's rows: {@code col = ?}, or {@code col IN (?, ...)} for a list. */
	static String condition(String keyColumn, Object keyValue) {
		String column = MoveColumn.quote(keyColumn);
		if (keyValue instanceof List<?> keys) {
			if (keys.isEmpty()) {
				throw new IllegalArgumentException("A move needs at least one key");
			}
			StringBuilder sql = new StringBuilder(column).append(" IN (");
			for (int i = 0; i < keys.size(); i++) {
				sql.append((i > 0) ? ", ?" : "?");
			}
			return sql.append(')').toString();
		}
		return column + " = ?";
	}

	/**
	 * Binds the key (or each key of a list) from a parameter index on.
	 * @return the next free parameter index
	 */
	static int bind(PreparedStatement statement, int index, Object keyValue) throws SQLException {
		if (keyValue instanceof List<?> keys) {
			int next = index;
			for (Object key : keys) {
				next = bind(statement, next, key);
			}
			return next;
		}
		if (keyValue instanceof byte[] bytes) {
			statement.setBytes(index, bytes);
		}
		else if (keyValue instanceof String text) {
			statement.setString(index, text);
		}
		else if (keyValue instanceof Long number) {
			statement.setLong(index, number);
		}
		else {
			statement.setObject(index, keyValue);
		}
		return index + 1;
	}

	static String display(Object keyValue) {
		if (keyValue instanceof List<?> keys) {
			if (keys.size() == 1) {
				return display(keys.get(0));
			}
			StringBuilder text = new StringBuilder().append(keys.size()).append(" keys: ");
			for (int i = 0; i < Math.min(SHOWN, keys.size()); i++) {
				text.append((i > 0) ? ", " : "").append(display(keys.get(i)));
			}
			return text.append((keys.size() > SHOWN) ? ", ..." : "").toString();
		}
		return (keyValue instanceof byte[] bytes) ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(keyValue);
	}

}
