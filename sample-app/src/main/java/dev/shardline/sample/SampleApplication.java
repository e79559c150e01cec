package dev.shardline.sample;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.shardline.test.MySqlTopology;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An e-commerce sample (customers and their orders, sharded by customer id). Runs on two
 * embedded H2 shards by default; with the {@code topology} profile it first starts a real
 * local MariaDB topology (2 shards, 1 replica each) and routes to it.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		if (topologyRequested(args)) {
			MySqlTopology topology = MySqlTopology.builder().shards(2).replicasPerShard(1).start();
			Runtime.getRuntime().addShutdownHook(new Thread(topology::close, "sample-topology-shutdown"));
			Map<String, Object> defaults = new LinkedHashMap<>(topology.shardlineProperties());
			application.setDefaultProperties(defaults);
		}
		application.run(args);
	}

	private static boolean topologyRequested(String[] args) {
		String fromProperty = System.getProperty("spring.profiles.active", "");
		String fromEnvironment = System.getenv().getOrDefault("SPRING_PROFILES_ACTIVE", "");
		boolean fromArgs = Arrays.stream(args)
			.anyMatch((arg) -> arg.startsWith("--spring.profiles.active=") && arg.contains("topology"));
		return fromArgs || fromProperty.contains("topology") || fromEnvironment.contains("topology");
	}

}
