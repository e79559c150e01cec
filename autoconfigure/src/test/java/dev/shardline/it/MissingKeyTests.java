package dev.shardline.it;

import dev.shardline.ShardKeyMissingException;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code shardline.routing.missing-key}: a null key goes to the default shard, or fails. */
@RealTopology(shards = 2, replicas = 1)
class MissingKeyTests {

	@Test
	void defaultShardByDefault(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.default-shard=shard-1")) {
			OrderStore store = context.getBean(OrderStore.class);
			assertThat(store.serverIdForBoxedKey(null)).isEqualTo(shard(topology, "shard-1").primary().serverId());
			assertThat(store.unroutedServerId()).isEqualTo(shard(topology, "shard-1").primary().serverId());
		}
	}

	@Test
	void failNamesTheMethod(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"shardline.routing.missing-key=fail")) {
			OrderStore store = context.getBean(OrderStore.class);
			assertThatExceptionOfType(ShardKeyMissingException.class)
				.isThrownBy(() -> store.serverIdForBoxedKey(null))
				.withMessageContaining("OrderStore.serverIdForBoxedKey()")
				.withMessageContaining("shardline.routing.missing-key");
			assertThatExceptionOfType(ShardKeyMissingException.class)
				.isThrownBy(() -> context.getBean(ShardRouting.class).onShard(null))
				.withMessageContaining("ShardRouting.onShard");
		}
	}

}
