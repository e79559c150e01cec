package dev.shardline.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway and Liquibase run once per shard, on its primary; replicas get the tables through
 * replication (they are read-only for the application user, so a write there would fail).
 */
@RealTopology(shards = 2, replicas = 1)
class MigrationsOnEveryShardTests {

	@Test
	void flywayMigratesEveryShard(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"spring.flyway.enabled=true", "spring.flyway.locations=classpath:it-flyway",
				"spring.flyway.table=flyway_history_it", "spring.flyway.baseline-on-migrate=true",
				"spring.flyway.baseline-version=0")) {
			assertTableEverywhere(topology, "flyway_widgets");
			assertTableEverywhere(topology, "flyway_history_it");
		}
	}

	@Test
	void liquibaseMigratesEveryShard(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class,
				"spring.liquibase.enabled=true", "spring.liquibase.change-log=classpath:it-liquibase.xml")) {
			assertTableEverywhere(topology, "liquibase_gadgets");
		}
	}

	private static void assertTableEverywhere(MySqlTopology topology, String table) {
		topology.awaitReplicationCaughtUp();
		for (TopologyShard shard : topology.shards()) {
			assertThat(hasTable(shard.primary(), table)).as("%s on %s", table, shard.primary().name()).isTrue();
			assertThat(hasTable(shard.replica(0), table)).as("%s on %s", table, shard.replica(0).name()).isTrue();
		}
	}

	private static boolean hasTable(TopologyNode node, String table) {
		try (Connection connection = node.openConnection();
				ResultSet rs = connection.getMetaData().getTables(null, null, table, null)) {
			return rs.next();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
