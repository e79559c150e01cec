package dev.shardline.it.jdbc;

import java.util.List;

import dev.shardline.CrossShardAccessException;
import dev.shardline.it.RoutedApplication;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.countOrders;
import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.ownerOf;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Routing rules 1-4 with JdbcTemplate on a real 2 x (1 + 1) topology, checked on the servers:
 * where rows land and which {@code @@server_id} answered.
 */
@RealTopology(shards = 2, replicas = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcRoutingTests {

	private MySqlTopology topology;

	private ConfigurableApplicationContext context;

	private OrderStore store;

	private RoutedStore interfaceStore;

	private OrderWorkflows workflows;

	private ShardRouting routing;

	private long nextCustomer = 10_000 + (System.nanoTime() % 1_000) * 1_000;

	@BeforeAll
	void start(MySqlTopology topology) {
		this.topology = topology;
		this.context = RoutedApplication.start(topology, JdbcApp.class, "spring.task.execution.pool.core-size=1",
				"spring.task.execution.pool.max-size=1");
		this.store = this.context.getBean(OrderStore.class);
		this.interfaceStore = this.context.getBean(RoutedStore.class);
		this.workflows = this.context.getBean(OrderWorkflows.class);
		this.routing = this.context.getBean(ShardRouting.class);
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private long customerOn(String shard) {
		long customer = customersOn(this.topology, shard, 1, this.nextCustomer).get(0);
		this.nextCustomer = customer + 1;
		return customer;
	}

	@Test
	void keyedWritesLandOnlyOnTheOwnersPrimary() {
		for (int i = 0; i < 20; i++) {
			long customer = this.nextCustomer++;
			this.store.insert(customer, 100 + i);
			String owner = ownerOf(this.topology, customer);
			for (TopologyShard shard : this.topology.shards()) {
				assertThat(countOrders(shard.primary(), customer)).as("customer %d on %s", customer, shard.name())
					.isEqualTo(shard.name().equals(owner) ? 1 : 0);
			}
		}
	}

	@Test
	void keyFromAPropertyOfTheArgument() {
		long customer = customerOn("shard-1");
		this.store.insert(new OrderStore.OrderLine(customer, 7));
		assertThat(countOrders(shard(this.topology, "shard-1").primary(), customer)).isEqualTo(1);
		assertThat(countOrders(shard(this.topology, "shard-0").primary(), customer)).isZero();
	}

	@Test
	void readOnlyGoesToTheOwnersReplicaWritesToItsPrimary() {
		for (String name : List.of("shard-0", "shard-1")) {
			long customer = customerOn(name);
			TopologyShard shard = shard(this.topology, name);
			assertThat(this.store.serverIdForRead(customer)).isEqualTo(shard.replica(0).serverId());
			assertThat(this.store.serverIdForWrite(customer)).isEqualTo(shard.primary().serverId());
			assertThat(this.interfaceStore.serverIdForRead(customer)).isEqualTo(shard.replica(0).serverId());
			assertThat(this.interfaceStore.serverIdForWrite(customer)).isEqualTo(shard.primary().serverId());
			assertThat(this.routing.onShard(customer).readOnly().get(this.store::unroutedServerId))
				.isEqualTo(shard.replica(0).serverId());
			assertThat(this.routing.onShard(customer).get(this.store::unroutedServerId))
				.isEqualTo(shard.primary().serverId());
		}
	}

	@Test
	void unkeyedWorkUsesTheDefaultShard() {
		TopologyShard shard0 = shard(this.topology, "shard-0");
		assertThat(this.store.unroutedServerId()).isEqualTo(shard0.primary().serverId());
		assertThat(this.store.unkeyedServerIdForRead()).isEqualTo(shard0.replica(0).serverId());
	}

	@Test
	void crossShardTransactionThrowsBeforeAnyStatementAndLeavesNoRow() {
		long first = customerOn("shard-0");
		long second = customerOn("shard-1");
		assertThatExceptionOfType(CrossShardAccessException.class)
			.isThrownBy(() -> this.workflows.insertBoth(first, second))
			.withMessageContaining("shard-1")
			.withMessageContaining("shard-0")
			.withMessageContaining(String.valueOf(second));
		for (TopologyShard shard : this.topology.shards()) {
			assertThat(countOrders(shard.primary(), first)).isZero();
			assertThat(countOrders(shard.primary(), second)).isZero();
		}
	}

	@Test
	void twoKeysOnOneShardShareATransaction() {
		long first = customerOn("shard-1");
		long second = customerOn("shard-1");
		this.workflows.insertBoth(first, second);
		assertThat(countOrders(shard(this.topology, "shard-1").primary(), first)).isEqualTo(1);
		assertThat(countOrders(shard(this.topology, "shard-1").primary(), second)).isEqualTo(1);
	}

	@Test
	void readAfterWriteInATransactionStaysOnThePrimary() {
		long customer = customerOn("shard-1");
		assertThat(this.workflows.insertThenReadServerId(customer))
			.isEqualTo(shard(this.topology, "shard-1").primary().serverId());
	}

	@Test
	void requiresNewOpensAFreshRoutingScope() {
		long customer = customerOn("shard-0");
		long other = customerOn("shard-1");
		this.workflows.insertWithSideTransaction(customer, other);
		assertThat(countOrders(shard(this.topology, "shard-0").primary(), customer)).isEqualTo(2);
		assertThat(countOrders(shard(this.topology, "shard-1").primary(), other)).isEqualTo(1);
	}

	@Test
	void readOnlyTransactionsStayOnThePrimaryWithoutTheOptIn() {
		long customer = customerOn("shard-1");
		assertThat(this.store.serverIdInReadOnlyTransaction(customer))
			.isEqualTo(shard(this.topology, "shard-1").primary().serverId());
	}

	@Test
	void nestedCallsInheritOnlyWhenUnkeyed() {
		long outer = customerOn("shard-1");
		long inner = customerOn("shard-0");
		TopologyShard shard1 = shard(this.topology, "shard-1");
		long outerReplica = shard1.replica(0).serverId();
		long innerReplica = shard(this.topology, "shard-0").replica(0).serverId();
		assertThat(this.workflows.nested(outer, inner)).containsExactly(outerReplica, outerReplica, innerReplica,
				outerReplica);
	}

	@Test
	void routeFollowsAsyncWorkAndIsClearedAfterIt() throws Exception {
		AsyncWork async = this.context.getBean(AsyncWork.class);
		long customer = customerOn("shard-1");
		TopologyShard shard1 = shard(this.topology, "shard-1");
		String routed = this.routing.onShard(customer).readOnly().call(() -> async.serverIdAndShard()).get();
		assertThat(routed).isEqualTo(shard1.replica(0).serverId() + "@shard-1");
		// The executor has one thread: the next task runs on the same thread without a route.
		String unrouted = async.serverIdAndShard().get();
		assertThat(unrouted).isEqualTo(shard(this.topology, "shard-0").primary().serverId() + "@null");
	}

	@Test
	void theRouteIsInTheLoggingMdcDuringTheCallOnly() {
		long customer = customerOn("shard-1");
		assertThat(this.store.mdcAfterRead(customer)).isEqualTo("shardline-shard-1-replica-0|replica|replica");
		assertThat(org.slf4j.MDC.get("shardline.node")).isNull();
	}

	@Test
	void withTheMdcSwitchedOffOnlyTheObservationGetsTheRoute() {
		assertThat(this.context.getBean(dev.shardline.routing.MdcRouteObserver.class).writesMdc())
			.as("shardline.observability.mdc defaults to true")
			.isTrue();
		io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
		registry.observationConfig().observationHandler((context) -> true);
		dev.shardline.routing.ShardRouter router = this.context.getBean(dev.shardline.routing.ShardRouter.class);
		router.setRouteObserver(new dev.shardline.routing.MdcRouteObserver(registry, false));
		try {
			long customer = customerOn("shard-1");
			io.micrometer.observation.Observation observation = io.micrometer.observation.Observation
				.createNotStarted("http.server.requests", registry);
			String mdc = observation.observe(() -> this.store.mdcAfterRead(customer));
			assertThat(mdc).isEqualTo("null|null|null");
			assertThat(observation.getContext().getHighCardinalityKeyValue("shardline.node").getValue())
				.isEqualTo("shardline-shard-1-replica-0");
		}
		finally {
			router.setRouteObserver(this.context.getBean(dev.shardline.routing.MdcRouteObserver.class));
		}
	}

	@Test
	void theRouteIsOnTheCurrentObservation() {
		io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
		registry.observationConfig().observationHandler((context) -> true);
		this.context.getBean(dev.shardline.routing.MdcRouteObserver.class);
		// The observer reads the application's registry; this test's registry stands in for a tracer's.
		dev.shardline.routing.ShardRouter router = this.context.getBean(dev.shardline.routing.ShardRouter.class);
		router.setRouteObserver(new dev.shardline.routing.MdcRouteObserver(registry));
		try {
			io.micrometer.observation.Observation observation = io.micrometer.observation.Observation
				.createNotStarted("http.server.requests", registry);
			long customer = customerOn("shard-0");
			observation.observe(() -> this.store.serverIdForRead(customer));
			assertThat(observation.getContext().getHighCardinalityKeyValue("shardline.node").getValue())
				.isEqualTo("shardline-shard-0-replica-0");
			assertThat(observation.getContext().getLowCardinalityKeyValue("shardline.reason").getValue())
				.isEqualTo("replica");
		}
		finally {
			router.setRouteObserver(this.context.getBean(dev.shardline.routing.MdcRouteObserver.class));
		}
	}

	@Test
	void schemaWasCreatedOnEveryPrimaryAndReplicatedNotWrittenToReplicas() {
		for (TopologyShard shard : this.topology.shards()) {
			assertThat(countOrders(shard.primary(), -1)).isZero();
			assertThat(countOrders(shard.replica(0), -1)).isZero();
		}
	}

}
