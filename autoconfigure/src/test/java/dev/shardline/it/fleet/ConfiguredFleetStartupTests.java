package dev.shardline.it.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.actuate.ShardlineEndpoint;
import dev.shardline.ring.HashRing;
import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Topology;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application with 1,024 shards configured (a primary and a replica each, 2,048 nodes), every
 * node a loopback port with nothing listening: it starts, opens no pool connection, and routes
 * every key to the shard the ring names; the endpoint describes every shard. Its start-up time
 * is printed beside the same application's with 2 shards (the figures in BENCHMARKS.md), not
 * asserted beyond a sanity bound.
 */
class ConfiguredFleetStartupTests {

	@Test
	void anApplicationWith1024UnreachableShardsStartsAndRoutes() throws IOException {
		List<Integer> ports = freePorts(2 * 1024);
		long twoShards = startAndStop(2, ports);
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = start(1024, ports)) {
			long fleet = (System.nanoTime() - start) / 1_000_000;
			System.out.printf("start-up with unreachable nodes: 2 shards %d ms, 1024 shards %d ms%n", twoShards, fleet);
			assertThat(Duration.ofMillis(fleet)).isLessThan(Duration.ofSeconds(60));

			Topology topology = context.getBean(Topology.class);
			assertThat(topology.shards()).hasSize(1024);
			assertThat(topology.nodes()).hasSize(2048)
				.allSatisfy((node) -> assertThat(node.pool().getHikariPoolMXBean().getTotalConnections())
					.as("connections of %s", node.name())
					.isZero());

			HashRing ring = new HashRing(weights(1024));
			ShardlineEndpoint endpoint = context.getBean(ShardlineEndpoint.class);
			for (long key = 0; key < 2_000; key++) {
				Map<String, Object> route = endpoint.route("route", Long.toString(key));
				assertThat(route.get("shard")).as("route of key %d", key).isEqualTo(ring.shardFor(key));
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> shards = (Map<String, Object>) endpoint.overview().get("shards");
			assertThat(shards).hasSize(1024).containsKeys("shard-0", "shard-1023");

			// Work on a key goes to its shard's (unreachable) primary and fails fast, naming it.
			ShardRouting routing = context.getBean(ShardRouting.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			String owner = ring.shardFor(42L);
			assertThatThrownBy(() -> routing.onShard(42L).run(() -> jdbc.execute("SELECT 1")))
				.hasStackTraceContaining("shardline-" + owner + "-primary");
		}
	}

	private static long startAndStop(int shards, List<Integer> ports) throws IOException {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = start(shards, ports)) {
			return (System.nanoTime() - start) / 1_000_000;
		}
	}

	/**
	 * Starts the application with its shards in a properties file, as a user's application.yml
	 * would hold them (Boot caches the names of a file's properties; a mutable map source would
	 * make binding quadratic in the number of properties).
	 */
	private static ConfigurableApplicationContext start(int shards, List<Integer> ports) throws IOException {
		StringBuilder properties = new StringBuilder();
		for (int i = 0; i < shards; i++) {
			String shard = "shardline.shards.shard-" + i;
			properties.append(shard).append(".primary.url=jdbc:mysql://127.0.0.1:").append(ports.get(2 * i)).append("/app\n");
			properties.append(shard).append(".primary.username=app\n");
			properties.append(shard).append(".replicas[0].url=jdbc:mysql://127.0.0.1:").append(ports.get(2 * i + 1)).append("/app\n");
			properties.append(shard).append(".replicas[0].username=app\n");
		}
		properties.append("shardline.replication.connect-timeout=1s\n");
		Path file = Files.createTempFile("shardline-fleet-", ".properties");
		try {
			Files.writeString(file, properties);
			return new SpringApplicationBuilder(FleetApp.class)
				.properties("spring.main.banner-mode=off", "spring.main.web-application-type=none",
						"spring.sql.init.mode=never", "spring.flyway.enabled=false", "spring.liquibase.enabled=false",
						// no web server here: the endpoint is available through JMX
						"spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=shardline")
				.run("--spring.config.additional-location=file:" + file);
		}
		finally {
			Files.delete(file);
		}
	}

	private static Map<String, Integer> weights(int shards) {
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (int i = 0; i < shards; i++) {
			weights.put("shard-" + i, 1);
		}
		return weights;
	}

	/** Ports that were free a moment ago: bound all at once (so they differ), then released. */
	private static List<Integer> freePorts(int count) throws IOException {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
			}
			return sockets.stream().map(ServerSocket::getLocalPort).toList();
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	/** A JDBC application with the actuator on the classpath and no web server. */
	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	static class FleetApp {

	}

}
