package dev.shardline.it;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.OrderStore;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A distinctive password, passed in URLs as {@code ?password=}, never appears in logs (at
 * DEBUG too), exception messages, or the URLs Shardline shows.
 */
@RealTopology(shards = 2, replicas = 1)
@ExtendWith(OutputCaptureExtension.class)
class PasswordHygieneTests {

	private static final String SECRET = "Zebra-Cobalt-7731";

	@Test
	void passwordNeverShows(MySqlTopology topology, CapturedOutput output) throws Exception {
		for (TopologyShard shard : topology.shards()) {
			try (Connection admin = shard.primary().openAdminConnection(); Statement statement = admin.createStatement()) {
				statement.execute("CREATE USER IF NOT EXISTS 'zebra'@'%' IDENTIFIED BY '" + SECRET + "'");
				statement.execute("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON *.* TO 'zebra'@'%'");
			}
		}
		topology.awaitReplicationCaughtUp();
		List<String> properties = new ArrayList<>();
		for (TopologyShard shard : topology.shards()) {
			String prefix = "shardline.shards." + shard.name();
			properties.add(prefix + ".primary.url=" + shard.primary().jdbcUrl() + "?user=zebra&password=" + SECRET);
			for (int i = 0; i < shard.replicas().size(); i++) {
				TopologyNode replica = shard.replica(i);
				properties.add(prefix + ".replicas[" + i + "].url=" + replica.jdbcUrl() + "?user=zebra&password=" + SECRET);
			}
		}
		properties.add("logging.level.dev.shardline=DEBUG");
		properties.add("logging.level.com.zaxxer.hikari=DEBUG");
		properties.add("logging.level.org.springframework.jdbc=DEBUG");
		properties.add("spring.main.banner-mode=off");
		properties.add("spring.main.web-application-type=none");
		properties.add("spring.flyway.enabled=false");
		properties.add("spring.liquibase.enabled=false");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JdbcApp.class)
			.properties(properties.toArray(String[]::new))
			.run()) {
			OrderStore store = context.getBean(OrderStore.class);
			assertThat(store.serverIdForRead(7)).isPositive();
			assertThat(store.serverIdForWrite(7)).isPositive();
			for (ShardNode node : context.getBean(Topology.class).nodes()) {
				assertThat(node.url()).doesNotContain(SECRET).doesNotContain("password");
				assertThat(node.toString()).doesNotContain(SECRET);
				assertThat(node.pool().getJdbcUrl()).doesNotContain(SECRET);
			}
		}
		// A node whose database does not exist: the failure must not echo the password either.
		TopologyShard shard0 = topology.shard(0);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JdbcApp.class)
			.properties("shardline.shards.shard-0.primary.url=" + shard0.primary().jdbcUrl().replace("/app", "/missing_db")
					+ "?user=zebra&password=" + SECRET, "shardline.hikari.connection-timeout=1000",
					"logging.level.com.zaxxer.hikari=DEBUG", "spring.main.banner-mode=off", "spring.main.web-application-type=none", "spring.flyway.enabled=false",
					"spring.liquibase.enabled=false")
			.run()) {
			Throwable failure = catchThrowable(() -> context.getBean(OrderStore.class).serverIdForWrite(1));
			assertThat(failure).isNotNull();
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				assertThat(String.valueOf(cause.getMessage())).doesNotContain(SECRET);
			}
		}
		assertThat(output.getAll()).contains("shardline-shard-0-primary").doesNotContain(SECRET);
	}

}
