package dev.shardline.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A second class asking for the same shape gets the same (shared) topology, also in @Nested classes. */
@RealTopology(shards = 2, replicas = 1)
class SharedTopologyTests {

    @Test
    void sameTopologyAsOtherClasses(MySqlTopology topology) throws SQLException {
        SharedTopologyProbe.assertSameAsOtherClasses(topology);
        assertThat(Db.string(topology.shard(0).primary(), "SELECT DATABASE()")).isEqualTo(topology.database());
        assertThat(Db.string(topology.shard(0).primary(), "SELECT CURRENT_USER()")).startsWith("app@");
    }

    @Nested
    class Inner {
        @Test
        void nestedClassUsesEnclosingAnnotation(MySqlTopology topology) {
            SharedTopologyProbe.assertSameAsOtherClasses(topology);
        }
    }
}
