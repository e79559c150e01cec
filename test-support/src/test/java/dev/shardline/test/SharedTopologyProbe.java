package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

/** Remembers the first shared 2x1 topology any test class saw, so other classes can assert it is the same one. */
final class SharedTopologyProbe {

    private static final AtomicReference<MySqlTopology> FIRST = new AtomicReference<>();

    private SharedTopologyProbe() {
    }

    /** The shared topology, if a class using it has run already. */
    static MySqlTopology firstOrNull() {
        return FIRST.get();
    }

    static void assertSameAsOtherClasses(MySqlTopology topology) {
        FIRST.compareAndSet(null, topology);
        assertThat(topology).as("one shared 2x1 topology per JVM").isSameAs(FIRST.get());
    }
}
