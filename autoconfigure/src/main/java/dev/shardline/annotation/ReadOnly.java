package dev.shardline.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated method (or every method of the annotated type) only reads, so a replica of
 * the shard may serve it. Inside a read-write transaction the work stays on the
 * transaction's primary connection.
 * <p>
 * Put it on pure reads only: an entity read from a replica and then saved can write stale
 * state back.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadOnly {

	/** The replica group of replicas that have no {@code group} configured. */
	String DEFAULT_GROUP = "default";

	/**
	 * Only replicas of this group serve the read (e.g. {@code analytics} for reports, so
	 * they never compete with user-facing reads).
	 * @return the replica group
	 */
	String group() default DEFAULT_GROUP;

}
