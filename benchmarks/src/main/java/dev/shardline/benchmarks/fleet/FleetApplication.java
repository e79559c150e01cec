package dev.shardline.benchmarks.fleet;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The application the fleet benchmark starts: the starter and the driver, nothing else, so
 * its start-up time and threads are Shardline's and Spring Boot's.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class FleetApplication {

}
