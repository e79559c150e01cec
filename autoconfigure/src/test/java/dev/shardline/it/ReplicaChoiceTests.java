package dev.shardline.it;

import java.util.HashSet;
import java.util.Set;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica choice on one shard with two replicas: weighted spread across calls, one node per
 * call, replica groups, and the primary when the group has no replica.
 */
@RealTopology(shards = 1, replicas = 2)
class ReplicaChoiceTests {

	@Test
	void readsSpreadOverReplicasButOneCallUsesOneNode(MySqlTopology topology) {
		TopologyShard shard = topology.shard(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class)) {
			OrderStore store = context.getBean(OrderStore.class);
			Set<Long> seen = new HashSet<>();
			for (int call = 0; call < 60; call++) {
				Set<Long> perCall = store.serverIdsOfManyStatements(call, 8);
				assertThat(perCall).as("server ids seen by one routed call").hasSize(1);
				seen.addAll(perCall);
			}
			// 60 calls at 50:50: both replicas serve (the chance of missing one is 2^-59), never the primary.
			assertThat(seen).containsExactlyInAnyOrder((long) shard.replica(0).serverId(),
					(long) shard.replica(1).serverId());
			assertThat(store.serverIdForReport(1)).as("no replica in group 'analytics': the primary serves")
				.isEqualTo(shard.primary().serverId());
		}
	}

	@Test
	void replicaGroupsServeOnlyTheirOwnReads(MySqlTopology topology) {
		TopologyShard shard = topology.shard(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.shards.shard-0.replicas[1].group=analytics")) {
			OrderStore store = context.getBean(OrderStore.class);
			for (int call = 0; call < 20; call++) {
				assertThat(store.serverIdForReport(call)).isEqualTo(shard.replica(1).serverId());
				assertThat(store.serverIdForRead(call)).isEqualTo(shard.replica(0).serverId());
			}
		}
	}

	@Test
	void weightsSkewTheSpread(MySqlTopology topology) {
		TopologyShard shard = topology.shard(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.shards.shard-0.replicas[0].weight=9", "shardline.shards.shard-0.replicas[1].weight=1")) {
			OrderStore store = context.getBean(OrderStore.class);
			int first = 0;
			for (int call = 0; call < 200; call++) {
				if (store.serverIdForRead(call) == shard.replica(0).serverId()) {
					first++;
				}
			}
			// Expected 180 of 200 (binomial sd ~4.2): 150 is > 7 sd below, 199 would be > 4 sd above.
			assertThat(first).isBetween(150, 199);
		}
	}

}
