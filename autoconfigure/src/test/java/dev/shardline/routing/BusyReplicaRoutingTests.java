package dev.shardline.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.shardline.ring.HashRing;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.NodeSpec;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.ShardSpec;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Busy is not dead, on real (in-memory H2) pools of one connection each: a replica whose pool
 * timed out while saturated is passed over without being ejected; a replica whose pool could
 * not connect is ejected as before; with both replicas saturated the primary serves as
 * {@code fallback-busy}.
 */
class BusyReplicaRoutingTests {

	private final Topology topology = Topology.create(List.of(new ShardSpec("shard-0", 1,
			node("jdbc:h2:mem:busy-primary"),
			List.of(node("jdbc:h2:mem:busy-r0"), node("jdbc:h2:mem:busy-r1")))), "shard-0", (c) -> {
			});

	private final List<RouteReason> reasons = new ArrayList<>();

	private final ShardRouter router = new ShardRouter(this.topology,
			new RingShardingStrategy(new HashRing(Map.of("shard-0", 1))), List.of(), false, false,
			(node, reason) -> this.reasons.add(reason));

	private final List<Connection> held = new ArrayList<>();

	private static NodeSpec node(String url) {
		return new NodeSpec(url, "sa", null,
				Map.of("maximum-pool-size", "1", "minimum-idle", "1", "connection-timeout", "250"), 1, "default");
	}

	@AfterEach
	void close() throws SQLException {
		for (Connection connection : this.held) {
			connection.close();
		}
		this.topology.close();
	}

	private Shard shard() {
		return this.topology.shard("shard-0");
	}

	private void replicasUp() {
		for (ShardNode replica : shard().replicas()) {
			replica.health().state(NodeHealth.State.UP, null);
		}
	}

	private SQLException saturationTimeout(ShardNode node) throws SQLException {
		this.held.add(node.pool().getConnection());
		try {
			node.pool().getConnection().close();
			throw new AssertionError("the pool of one should have been exhausted");
		}
		catch (SQLTransientConnectionException ex) {
			return ex;
		}
	}

	@Test
	void aSaturationTimeoutPassesOverTheReplicaWithoutEjectingIt() throws SQLException {
		replicasUp();
		ShardNode busy = shard().replicas().get(0);
		SQLException timeout = saturationTimeout(busy);
		this.router.enter(shard(), true, "default", false, 1L, "test");
		try {
			ShardNode retry = this.router.connectionFailed(busy, timeout);
			assertThat(retry).isSameAs(shard().replicas().get(1));
			assertThat(busy.health().state()).isEqualTo(NodeHealth.State.UP);
			// While it stays saturated, new reads do not even try it.
			for (int i = 0; i < 20; i++) {
				assertThat(this.router.select()).isSameAs(shard().replicas().get(1));
				RoutingContext.stack().top().node = null;
			}
		}
		finally {
			this.router.exit();
		}
	}

	@Test
	void aFailureToConnectStillEjects() {
		replicasUp();
		ShardNode dead = shard().replicas().get(0);
		SQLTransientConnectionException timeout = new SQLTransientConnectionException("request timed out", "08S01",
				new SQLException("Communications link failure"));
		this.router.enter(shard(), true, "default", false, 1L, "test");
		try {
			assertThat(this.router.connectionFailed(dead, timeout)).isSameAs(shard().replicas().get(1));
			assertThat(dead.health().state()).isEqualTo(NodeHealth.State.EJECTED);
		}
		finally {
			this.router.exit();
		}
	}

	@Test
	void allReplicasSaturatedThePrimaryServesAsFallbackBusy() throws SQLException {
		replicasUp();
		for (ShardNode replica : shard().replicas()) {
			this.held.add(replica.pool().getConnection());
		}
		this.router.enter(shard(), true, "default", false, 1L, "test");
		try {
			assertThat(this.router.select()).isSameAs(shard().primary());
			assertThat(this.reasons).containsExactly(RouteReason.FALLBACK_BUSY);
		}
		finally {
			this.router.exit();
		}
		this.held.remove(0).close();
		this.router.enter(shard(), true, "default", false, 1L, "test");
		try {
			assertThat(this.router.select()).isSameAs(shard().replicas().get(0));
		}
		finally {
			this.router.exit();
		}
	}

}
