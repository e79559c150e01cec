package dev.shardline.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import dev.shardline.it.RoutedApplication;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session read-your-writes against a replica that applies every event 2 s late
 * ({@code MASTER_DELAY=2}) with sparse writes, for both lag methods: a read right after a write,
 * and after waits of 0.25 to 1.75 s, in the same unit of work, never misses the write; and once
 * the replica has applied it, the replica serves that unit of work again (so the reads above
 * were not simply all sent to the primary). The replica-status method is run with GTID
 * positions (the default) and without them (whole seconds of {@code Seconds_Behind_Master}).
 * The package is the monitor's, for the knob that switches GTID positions off.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class DelayedReplicaReadYourWritesTests {

	private static final Duration DELAY = Duration.ofSeconds(2);

	private static final long[] WAITS_MILLIS = { 0, 250, 500, 750, 1000, 1250, 1500, 1750 };

	private MySqlTopology topology;

	private long nextCustomer = 80_000_000 + (System.nanoTime() % 1000) * 1000;

	@AfterEach
	void undelay() {
		if (this.topology != null) {
			this.topology.shard(0).replica(0).setReplicationDelay(Duration.ZERO);
		}
	}

	@Test
	void heartbeatMethodNeverReadsBeforeTheReplicaAppliedTheWrite(MySqlTopology topology) {
		run(topology, "heartbeat", true);
	}

	@Test
	void replicaStatusMethodWithGtidPositionsNeverReadsBeforeTheReplicaAppliedTheWrite(MySqlTopology topology) {
		run(topology, "replica-status", true);
	}

	@Test
	void replicaStatusMethodOnWholeSecondsNeverReadsBeforeTheReplicaAppliedTheWrite(MySqlTopology topology) {
		run(topology, "replica-status", false);
	}

	private void run(MySqlTopology topology, String method, boolean gtidPositions) {
		this.topology = topology;
		TopologyNode replica = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.routing.read-your-writes=session", "shardline.routing.read-your-writes-window=15s",
				"shardline.replication.method=" + method, "shardline.replication.max-lag=30s",
				"shardline.replication.check-interval=200ms")) {
			context.getBean(ReplicationMonitor.class).gtidPositions(gtidPositions);
			ShardRouting routing = context.getBean(ShardRouting.class);
			OrderStore store = context.getBean(OrderStore.class);
			replica.setReplicationDelay(DELAY);
			long probe = this.nextCustomer++;
			// The replica serves reads outside a unit of work with writes (it is within max-lag).
			await().atMost(Duration.ofSeconds(10)).until(() -> store.countAndServerId(probe)[1] == replica.serverId());
			List<String> misses = new ArrayList<>();
			for (long waitMillis : WAITS_MILLIS) {
				long customer = this.nextCustomer++;
				long[] seen = routing.readYourWrites(() -> {
					store.insert(customer, 1);
					pause(waitMillis);
					return store.countAndServerId(customer);
				});
				if (seen[0] != 1) {
					misses.add("after " + waitMillis + " ms: server " + seen[1] + " saw " + seen[0] + " rows");
				}
				// Sparse writes: the next one only after the replica applied this one.
				await().atMost(DELAY.plusSeconds(10)).until(() -> RoutedApplication.countOrders(replica, customer) == 1);
			}
			assertThat(misses).as("reads that missed their own write (%s, gtid positions %s)", method, gtidPositions)
				.isEmpty();
			// Once the replica holds the write, it serves the same unit of work again.
			long customer = this.nextCustomer++;
			List<Long> servers = routing.readYourWrites(() -> {
				store.insert(customer, 1);
				List<Long> seenBy = new ArrayList<>();
				// Polled on this thread: the unit of work is this thread's.
				await().pollInSameThread().atMost(Duration.ofSeconds(10)).until(() -> {
					long[] seen = store.countAndServerId(customer);
					assertThat(seen[0]).as("rows seen on server %s", seen[1]).isEqualTo(1);
					seenBy.add(seen[1]);
					return seen[1] == replica.serverId();
				});
				return seenBy;
			});
			assertThat(servers.get(0)).as("the first read right after the write").isEqualTo(primaryId);
			assertThat(servers.get(servers.size() - 1)).isEqualTo((long) replica.serverId());
		}
	}

	/** Part of the scenario (a read a given time after the write), not a wait for a condition. */
	private static void pause(long millis) {
		long deadline = System.nanoTime() + millis * 1_000_000;
		for (long left = millis * 1_000_000; left > 0; left = deadline - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}
