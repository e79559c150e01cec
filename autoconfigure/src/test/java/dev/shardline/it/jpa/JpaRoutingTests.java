package dev.shardline.it.jpa;

import dev.shardline.CrossShardAccessException;
import dev.shardline.it.RoutedApplication;
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
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Routing through Spring Data JPA (Hibernate) repository interface methods on a real topology. */
@RealTopology(shards = 2, replicas = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JpaRoutingTests {

	private MySqlTopology topology;

	private ConfigurableApplicationContext context;

	private OrderEntityRepository repository;

	private OrderEntityService service;

	private long nextCustomer = 30_000_000 + (System.nanoTime() % 1_000) * 1_000;

	@BeforeAll
	void start(MySqlTopology topology) {
		this.topology = topology;
		this.context = RoutedApplication.start(topology, JpaApp.class, "spring.jpa.hibernate.ddl-auto=none",
				"spring.jpa.open-in-view=false");
		this.repository = this.context.getBean(OrderEntityRepository.class);
		this.service = this.context.getBean(OrderEntityService.class);
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
	void repositorySaveLandsOnTheOwnersPrimaryAndReadOnlyFindsReadTheReplica() {
		for (String name : new String[] { "shard-0", "shard-1" }) {
			TopologyShard shard = shard(this.topology, name);
			TopologyShard other = shard(this.topology, name.equals("shard-0") ? "shard-1" : "shard-0");
			long customer = customerOn(name);
			this.repository.save(new OrderEntity(customer, 42, "jpa"));
			assertThat(countOrders(shard.primary(), customer)).isEqualTo(1);
			assertThat(countOrders(other.primary(), customer)).isZero();
			assertThat(this.repository.readServerId(customer).longValue()).isEqualTo(shard.replica(0).serverId());
			assertThat(this.repository.plainServerId(customer).longValue()).isEqualTo(shard.primary().serverId());
			assertThat(this.repository.readOnlyTransactionServerId(customer).longValue())
				.as("a read-only transaction without the opt-in stays on the primary")
				.isEqualTo(shard.primary().serverId());
			this.topology.awaitReplicationCaughtUp();
			assertThat(this.repository.findByCustomerId(customer)).singleElement()
				.satisfies((row) -> assertThat(row.getAmount()).isEqualTo(42));
		}
	}

	@Test
	void crossShardTransactionThrowsAndLeavesNoRow() {
		long first = customerOn("shard-0");
		long second = customerOn("shard-1");
		assertThatExceptionOfType(CrossShardAccessException.class)
			.isThrownBy(() -> this.service.saveBoth(new OrderEntity(first, 1, "a"), new OrderEntity(second, 2, "b")));
		for (TopologyShard shard : this.topology.shards()) {
			assertThat(countOrders(shard.primary(), first)).isZero();
			assertThat(countOrders(shard.primary(), second)).isZero();
		}
	}

	@Test
	void readAfterWriteInATransactionStaysOnThePrimary() {
		long customer = customerOn("shard-1");
		assertThat(this.service.saveThenReadServerId(new OrderEntity(customer, 5, "rw")))
			.isEqualTo(shard(this.topology, "shard-1").primary().serverId());
	}

}
