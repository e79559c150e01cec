package dev.shardline.benchmarks.e2e.boot;

import java.time.Duration;

import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Topology;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The minimal Spring Boot application the Shardline systems run in: the starter, the driver,
 * {@code JdbcTemplate}, and {@link ItemRepository}, configured only through properties.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BenchApplication {

	@Bean(destroyMethod = "close")
	BenchScatter benchScatter(ShardRouting routing, Topology topology,
			@Value("${bench.client-threads:1}") int clientThreads) {
		return new BenchScatter(routing, topology, clientThreads, Duration.ofSeconds(10));
	}

}
