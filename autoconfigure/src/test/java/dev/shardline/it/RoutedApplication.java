package dev.shardline.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.ring.HashRing;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyNode;
import dev.shardline.test.TopologyShard;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts a Spring Boot application on a real topology and checks, from the servers' side,
 * where rows and queries went.
 */
public final class RoutedApplication {

	private RoutedApplication() {
	}

	/**
	 * Starts an application with Shardline pointed at the topology.
	 * @param topology the topology
	 * @param configuration the application's configuration class
	 * @param properties extra properties ({@code key=value}), overriding everything else
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(MySqlTopology topology, Class<?> configuration,
			String... properties) {
		return startOn(topology, topology.shards().stream().map(TopologyShard::name).toList(), configuration,
				properties);
	}

	/**
	 * Starts an application configured with some of the topology's shards only (an application
	 * before a shard is added, or after one is removed).
	 * @param topology the topology
	 * @param shards the shards the application is configured with
	 * @param configuration the application's configuration class
	 * @param properties extra properties ({@code key=value}), overriding everything else
	 * @return the running context
	 */
	public static ConfigurableApplicationContext startOn(MySqlTopology topology, List<String> shards,
			Class<?> configuration, String... properties) {
		return new SpringApplicationBuilder(configuration).properties(properties(topology, shards, properties)).run();
	}

	/**
	 * The properties {@link #startOn} starts an application with (also for applications started
	 * in a process of their own).
	 * @param topology the topology
	 * @param shards the shards the application is configured with
	 * @param properties extra properties ({@code key=value}), overriding everything else
	 * @return the properties
	 */
	public static Map<String, Object> properties(MySqlTopology topology, List<String> shards, String... properties) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		topology.shardlineProperties().forEach((name, value) -> {
			if (shards.stream().anyMatch((shard) -> name.startsWith("shardline.shards." + shard + "."))) {
				defaults.put(name, value);
			}
		});
		defaults.put("shardline.hikari.maximum-pool-size", "4");
		defaults.put("shardline.hikari.minimum-idle", "1");
		defaults.put("spring.sql.init.mode", "always");
		defaults.put("spring.sql.init.schema-locations", "classpath:it-schema.sql");
		defaults.put("spring.main.banner-mode", "off");
		// Web MVC is on the test classpath for the web tests only: no server unless asked for.
		defaults.put("spring.main.web-application-type", "none");
		// Flyway and Liquibase are on the test classpath for the migration tests only.
		defaults.put("spring.flyway.enabled", "false");
		defaults.put("spring.liquibase.enabled", "false");
		// One property source for everything: Boot binds a list (replicas[i]) from one source only.
		for (String property : properties) {
			int equals = property.indexOf('=');
			defaults.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return defaults;
	}

	/** The ring Shardline builds for the topology at the defaults, computed independently here. */
	public static String ownerOf(MySqlTopology topology, Object key) {
		Map<String, Integer> weights = new LinkedHashMap<>();
		for (TopologyShard shard : topology.shards()) {
			weights.put(shard.name(), 1);
		}
		return new HashRing(weights).shardFor(key);
	}

	/** Customer ids that the ring places on the given shard. */
	public static List<Long> customersOn(MySqlTopology topology, String shard, int count, long from) {
		List<Long> result = new ArrayList<>();
		for (long id = from; result.size() < count; id++) {
			if (ownerOf(topology, id).equals(shard)) {
				result.add(id);
			}
		}
		return result;
	}

	/** Rows of a customer on one node, read directly from that server. */
	public static int countOrders(TopologyNode node, long customerId) {
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE customer_id = " + customerId)) {
			rs.next();
			return rs.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not count orders on " + node, ex);
		}
	}

	/** The shard of the topology with the given name. */
	public static TopologyShard shard(MySqlTopology topology, String name) {
		return topology.shards().stream().filter((shard) -> shard.name().equals(name)).findFirst().orElseThrow();
	}

}
