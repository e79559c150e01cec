package dev.shardline.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.countOrders;
import static dev.shardline.it.RoutedApplication.customersOn;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application starts while a replica and a non-default shard's primary are unreachable,
 * and serves the shards that are up.
 */
@RealTopology(shards = 2, replicas = 1)
class StartupWithNodesDownTests {

	@Test
	void startsAndServesTheShardsThatAreUp(MySqlTopology topology) throws IOException {
		// Schema initialization needs every primary, so this test creates the table itself.
		try (java.sql.Connection connection = shard(topology, "shard-0").primary().openConnection();
				java.sql.Statement statement = connection.createStatement()) {
			for (String ddl : new String(getClass().getResourceAsStream("/it-schema.sql").readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8).split(";")) {
				if (!ddl.isBlank()) {
					statement.execute(ddl);
				}
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
		String deadReplica = "jdbc:mysql://127.0.0.1:" + unusedPort() + "/app";
		String deadPrimary = "jdbc:mysql://127.0.0.1:" + unusedPort() + "/app";
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"spring.sql.init.mode=never", "shardline.default-shard=shard-0",
				"shardline.shards.shard-0.replicas[0].url=" + deadReplica,
				"shardline.shards.shard-1.primary.url=" + deadPrimary,
				"shardline.shards.shard-1.primary.hikari.connection-timeout=500")) {
			OrderStore store = context.getBean(OrderStore.class);
			long onShard0 = customersOn(topology, "shard-0", 1, 50_000_000).get(0);
			long onShard1 = customersOn(topology, "shard-1", 1, 50_000_000).get(0);
			store.insert(onShard0, 11);
			assertThat(countOrders(shard(topology, "shard-0").primary(), onShard0)).isEqualTo(1);
			assertThatThrownBy(() -> store.insert(onShard1, 12)).hasMessageContaining("shardline-shard-1-primary");
		}
	}

	private static int unusedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
