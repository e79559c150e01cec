package dev.shardline.directory;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The stored text form of a key, and the cache's key object. Integral numbers of every type
 * are the same key, as on the ring.
 */
public final class DirectoryKeys {

	private DirectoryKeys() {
	}

	/**
	 * The key as stored in the directory table.
	 * @param key the key
	 * @return {@code l:<decimal>}, {@code s:<text>}, {@code u:<uuid>} or {@code b:<hex>}
	 */
	public static String text(Object key) {
		Object normal = normalize(key);
		if (normal instanceof Long number) {
			return "l:" + number;
		}
		if (normal instanceof UUID uuid) {
			return "u:" + uuid;
		}
		if (normal instanceof ByteBuffer bytes) {
			return "b:" + HexFormat.of().formatHex(bytes.array());
		}
		return "s:" + normal;
	}

	/**
	 * The key a stored text stands for (the inverse of {@link #text(Object)}).
	 * @param text the stored text
	 * @return a Long, UUID, byte[] or String
	 */
	public static Object parse(String text) {
		String value = text.substring(2);
		return switch (text.charAt(0)) {
			case 'l' -> Long.parseLong(value);
			case 'u' -> UUID.fromString(value);
			case 'b' -> HexFormat.of().parseHex(value);
			default -> value;
		};
	}

	/**
	 * The value JDBC binds for the key in a table's key column (a UUID as its text, bytes as bytes).
	 * @param key the key
	 * @return the value to bind
	 */
	public static Object sqlValue(Object key) {
		Object normal = normalize(key);
		if (normal instanceof ByteBuffer bytes) {
			return bytes.array();
		}
		return (normal instanceof UUID uuid) ? uuid.toString() : normal;
	}

	/** An equal-when-routed-alike object for caching (Long for any integral number). */
	static Object normalize(Object key) {
		if (key instanceof Long) {
			return key;
		}
		if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
			return ((Number) key).longValue();
		}
		if (key instanceof BigInteger big) {
			if (big.bitLength() >= 64) {
				throw new IllegalArgumentException("Key " + big + " is outside the long range");
			}
			return big.longValue();
		}
		if (key instanceof byte[] bytes) {
			return ByteBuffer.wrap(bytes.clone());
		}
		if (key instanceof String || key instanceof UUID) {
			return key;
		}
		throw new IllegalArgumentException("Unsupported directory key type " + key.getClass().getName()
				+ ": use an integral number, String, UUID or byte[] (or a ShardKeyConverter)");
	}

}
