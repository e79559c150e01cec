package dev.shardline.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method parameter whose argument is the shard key of the call. Works on concrete
 * classes, on interfaces a bean implements, and on Spring Data repository interfaces.
 * <p>
 * Without a {@link #value()} the argument itself is the key. With one, the value is a
 * property path or SpEL expression evaluated with the argument as its root object, e.g.
 * {@code @ShardKey("customerId") Order order} or {@code @ShardKey("address.country") Customer c}.
 * <p>
 * Supported key types: integral numbers ({@code int}, {@code long}, {@code Integer},
 * {@code Long}, {@code Short}, {@code Byte}, {@code BigInteger} within the long range; 42 and
 * 42L are the same key), {@code String} (UTF-8; "42" is a different key than 42), {@code UUID}
 * and {@code byte[]}. A {@code null} key is a missing key: see
 * {@code shardline.routing.missing-key}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShardKey {

	/**
	 * Property path or SpEL expression evaluated on the argument; empty means the argument
	 * itself is the key.
	 * @return the expression, or empty
	 */
	String value() default "";

	/**
	 * Whether the key is an ID minted by Shardline's ID generator ({@code ShardlineIds}): its
	 * shard is read from the ID's own bits, without directory or ring.
	 * @return true for Shardline IDs
	 */
	boolean shardlineId() default false;

}
