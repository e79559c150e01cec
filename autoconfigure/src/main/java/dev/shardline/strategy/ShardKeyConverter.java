package dev.shardline.strategy;

/**
 * Turns an application's own key type (e.g. a {@code CustomerId} value object) into a key the
 * strategy understands (an integral number, a String, a UUID or a byte[]). Declare one as a
 * bean; Shardline consults the converters for key types it does not support natively.
 */
public interface ShardKeyConverter {

	/**
	 * Whether this converter handles keys of the given type.
	 * @param keyType the key's class
	 * @return true when {@link #convert(Object)} applies
	 */
	boolean supports(Class<?> keyType);

	/**
	 * Converts a key.
	 * @param key the key, never null
	 * @return the converted key, never null
	 */
	Object convert(Object key);

}
