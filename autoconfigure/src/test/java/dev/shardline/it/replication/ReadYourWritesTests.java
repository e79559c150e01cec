package dev.shardline.it.replication;

import java.time.Duration;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.it.jdbc.OrderWorkflows;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes on a real topology whose replica applies events 2 s late (but within
 * max-lag, so it keeps serving reads): with session or gtid mode a read right after a write in
 * the same unit of work sees the write; without it the same read is served by the replica
 * and misses it.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class ReadYourWritesTests {

	private MySqlTopology topology;

	private long nextCustomer = 70_000_000 + (System.nanoTime() % 1000) * 1000;

	private ConfigurableApplicationContext start(MySqlTopology topology, String mode) {
		this.topology = topology;
		return RoutedApplication.start(topology, JdbcApp.class, "shardline.routing.read-your-writes=" + mode,
				"shardline.replication.max-lag=30s", "shardline.replication.check-interval=200ms");
	}

	@AfterEach
	void undelay() {
		if (this.topology != null) {
			this.topology.shard(0).replica(0).setReplicationDelay(Duration.ZERO);
		}
	}

	@Test
	void withoutReadYourWritesTheReplicaServesAndMissesTheWrite(MySqlTopology topology) {
		TopologyNode replica = topology.shard(0).replica(0);
		try (ConfigurableApplicationContext context = start(topology, "none")) {
			replica.setReplicationDelay(Duration.ofSeconds(2));
			ShardRouting routing = context.getBean(ShardRouting.class);
			OrderStore store = context.getBean(OrderStore.class);
			long customer = this.nextCustomer++;
			long[] seen = routing.readYourWrites(() -> {
				store.insert(customer, 1);
				return store.countAndServerId(customer);
			});
			assertThat(seen[1]).as("server").isEqualTo(replica.serverId());
			assertThat(seen[0]).as("rows seen").isZero();
		}
	}

	@Test
	void sessionModeReadsTheWriteFromThePrimaryWhileTheReplicaIsBehind(MySqlTopology topology) {
		TopologyNode replica = topology.shard(0).replica(0);
		try (ConfigurableApplicationContext context = start(topology, "session")) {
			replica.setReplicationDelay(Duration.ofSeconds(2));
			ShardRouting routing = context.getBean(ShardRouting.class);
			OrderStore store = context.getBean(OrderStore.class);
			long customer = this.nextCustomer++;
			long[] seen = routing.readYourWrites(() -> {
				store.insert(customer, 1);
				return store.countAndServerId(customer);
			});
			assertThat(seen[0]).as("rows seen").isEqualTo(1);
			assertThat(seen[1]).as("server").isEqualTo(topology.shard(0).primary().serverId());
			// The outermost routed call is a unit of work too.
			long other = this.nextCustomer++;
			long[] implicit = context.getBean(OrderWorkflows.class).insertThenCount(other);
			assertThat(implicit[0]).isEqualTo(1);
			// Separate units of work do not see each other's writes: this read may use the replica.
			assertThat(store.countAndServerId(other)[1]).isEqualTo(replica.serverId());
		}
	}

	@Test
	void gtidModeWaitsBrieflyForTheReplicaThenUsesThePrimary(MySqlTopology topology) {
		TopologyNode replica = topology.shard(0).replica(0);
		try (ConfigurableApplicationContext context = start(topology, "gtid")) {
			ShardRouting routing = context.getBean(ShardRouting.class);
			OrderStore store = context.getBean(OrderStore.class);
			// Replica in step: the bounded wait on the replica succeeds and the replica serves.
			long inStep = this.nextCustomer++;
			long[] fromReplica = routing.readYourWrites(() -> {
				store.insert(inStep, 1);
				return store.countAndServerId(inStep);
			});
			assertThat(fromReplica[0]).isEqualTo(1);
			assertThat(fromReplica[1]).isEqualTo(replica.serverId());
			// Replica 2 s behind: the wait times out and the primary serves.
			replica.setReplicationDelay(Duration.ofSeconds(2));
			long behind = this.nextCustomer++;
			long[] fromPrimary = routing.readYourWrites(() -> {
				store.insert(behind, 1);
				return store.countAndServerId(behind);
			});
			assertThat(fromPrimary[0]).isEqualTo(1);
			assertThat(fromPrimary[1]).isEqualTo(topology.shard(0).primary().serverId());
		}
	}

}
