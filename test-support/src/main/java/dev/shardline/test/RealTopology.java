package dev.shardline.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real replicated topology, injected as a {@link MySqlTopology} parameter into test methods,
 * constructors, lifecycle methods ({@code @BeforeAll}, {@code @BeforeEach}, ...).
 *
 * <pre>{@code
 * @RealTopology(shards = 2, replicas = 1)
 * class RoutingIT {
 *     @Test
 *     void readsFromReplica(MySqlTopology topology) { ... }
 * }
 * }</pre>
 *
 * <p>By default topologies of the same shape are shared by all test classes of the JVM (started once, closed at
 * the end of the run), so tests on a shared topology must leave it as they found it. Use {@code fresh = true} for
 * destructive tests (kills, promotions): the class then gets its own topology, closed after the class.
 * {@code @Nested} classes use their enclosing class' topology.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MySqlTopologyExtension.class)
public @interface RealTopology {

    /** Number of shards. */
    int shards() default 2;

    /** Replicas per shard. */
    int replicas() default 1;

    /** Whether this class gets its own topology instead of the JVM-wide shared one of this shape. */
    boolean fresh() default false;
}
