package dev.shardline.it.slice;

import dev.shardline.test.MySqlTopology;

import org.springframework.test.context.DynamicPropertyRegistry;

/** Points Boot's test slices at the JVM's shared 2 x (1 + 1) topology. */
public final class SliceTopology {

	private SliceTopology() {
	}

	public static MySqlTopology topology() {
		return MySqlTopology.shared(2, 1);
	}

	public static void register(DynamicPropertyRegistry registry) {
		topology().shardlineProperties().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("shardline.hikari.maximum-pool-size", () -> "4");
		registry.add("shardline.hikari.minimum-idle", () -> "1");
		registry.add("spring.sql.init.mode", () -> "always");
		registry.add("spring.sql.init.schema-locations", () -> "classpath:it-schema.sql");
		registry.add("spring.flyway.enabled", () -> "false");
		registry.add("spring.liquibase.enabled", () -> "false");
	}

	/** The first customer id from 60,000,000 on that the ring puts on the shard. */
	public static long customerOn(String shard) {
		return dev.shardline.it.RoutedApplication.customersOn(topology(), shard, 1, 60_000_000).get(0);
	}

	public static int serverId(String shard, boolean replica) {
		var topologyShard = dev.shardline.it.RoutedApplication.shard(topology(), shard);
		return replica ? topologyShard.replica(0).serverId() : topologyShard.primary().serverId();
	}

}
