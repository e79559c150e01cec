package dev.shardline.move;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;

/** Binding and showing a moved key's value (what JDBC binds: Long, String, byte[]). */
final class Keys {

	private Keys() {
	}

	static void bind(PreparedStatement statement, int index, Object keyValue) throws SQLException {
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
	}

	static String display(Object keyValue) {
		return (keyValue instanceof byte[] bytes) ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(keyValue);
	}

}
