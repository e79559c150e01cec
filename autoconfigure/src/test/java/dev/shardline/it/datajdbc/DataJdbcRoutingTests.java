package dev.shardline.it.datajdbc;

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

/** Routing through Spring Data JDBC repository interface methods on a real topology. */
@RealTopology(shards = 2, replicas = 1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataJdbcRoutingTests {

	private MySqlTopology topology;

	private ConfigurableApplicationContext context;

	private OrderRowRepository repository;

	private OrderRowService service;

	private long nextCustomer = 20_000_000 + (System.nanoTime() % 1_000) * 1_000;

	@BeforeAll
	void start(MySqlTopology topology) {
		this.topology = topology;
		this.context = RoutedApplication.start(topology, DataJdbcApp.class);
		this.repository = this.context.getBean(OrderRowRepository.class);
		this.service = this.context.getBean(OrderRowService.class);
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
			this.repository.save(new OrderRow(null, customer, 42, "jdbc"));
			assertThat(countOrders(shard.primary(), customer)).isEqualTo(1);
			assertThat(countOrders(other.primary(), customer)).isZero();
			assertThat(this.repository.readServerId(customer)).isEqualTo(shard.replica(0).serverId());
			assertThat(this.repository.writeServerId(customer)).isEqualTo(shard.primary().serverId());
			this.topology.awaitReplicationCaughtUp();
			assertThat(this.repository.findByCustomerId(customer)).singleElement()
				.satisfies((row) -> assertThat(row.amount()).isEqualTo(42));
		}
	}

	@Test
	void crossShardTransactionThrowsAndLeavesNoRow() {
		long first = customerOn("shard-0");
		long second = customerOn("shard-1");
		assertThatExceptionOfType(CrossShardAccessException.class).isThrownBy(() -> this.service
			.saveBoth(new OrderRow(null, first, 1, "a"), new OrderRow(null, second, 2, "b")));
		for (TopologyShard shard : this.topology.shards()) {
			assertThat(countOrders(shard.primary(), first)).isZero();
			assertThat(countOrders(shard.primary(), second)).isZero();
		}
	}

	@Test
	void readAfterWriteInATransactionStaysOnThePrimary() {
		long customer = customerOn("shard-1");
		assertThat(this.service.saveThenReadServerId(new OrderRow(null, customer, 5, "rw")))
			.isEqualTo(shard(this.topology, "shard-1").primary().serverId());
	}

}
