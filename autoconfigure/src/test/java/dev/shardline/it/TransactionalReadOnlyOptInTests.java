package dev.shardline.it;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.it.jpa.JpaApp;
import dev.shardline.it.jpa.OrderEntityRepository;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code shardline.routing.transactional-read-only=true}, read-only transactions
 * (including Spring Data JPA's own) are served by replicas.
 */
@RealTopology(shards = 2, replicas = 1)
class TransactionalReadOnlyOptInTests {

	@Test
	void readOnlyTransactionsGoToTheReplica(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.routing.transactional-read-only=true")) {
			OrderStore store = context.getBean(OrderStore.class);
			for (String name : new String[] { "shard-0", "shard-1" }) {
				TopologyShard shard = shard(topology, name);
				long customer = customersOn(topology, name, 1, 40_000_000).get(0);
				assertThat(store.serverIdInReadOnlyTransaction(customer)).isEqualTo(shard.replica(0).serverId());
				assertThat(store.serverIdForWrite(customer)).isEqualTo(shard.primary().serverId());
			}
		}
	}

	@Test
	void springDataJpaReadOnlyQueriesGoToTheReplica(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JpaApp.class,
				"shardline.routing.transactional-read-only=true", "spring.jpa.hibernate.ddl-auto=none",
				"spring.jpa.open-in-view=false")) {
			OrderEntityRepository repository = context.getBean(OrderEntityRepository.class);
			long customer = customersOn(topology, "shard-1", 1, 40_000_000).get(0);
			// No @ReadOnly on it: the repository method's read-only transaction alone routes it.
			assertThat(repository.readOnlyTransactionServerId(customer).longValue())
				.isEqualTo(shard(topology, "shard-1").replica(0).serverId());
			assertThat(repository.plainServerId(customer).longValue())
				.isEqualTo(shard(topology, "shard-1").primary().serverId());
		}
	}

}
