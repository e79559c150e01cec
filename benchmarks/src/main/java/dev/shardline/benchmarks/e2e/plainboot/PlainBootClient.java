package dev.shardline.benchmarks.e2e.plainboot;

import java.util.Map;

import dev.shardline.benchmarks.e2e.BenchClient;
import dev.shardline.benchmarks.e2e.Workload;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot application on the same class path with Boot's own single HikariCP data
 * source to shard-0's primary and Shardline switched off: the startup reference (only its
 * startup is measured), and the application the boot-hikari reference runs beside its pools.
 */
public final class PlainBootClient implements BenchClient {

	private final ConfigurableApplicationContext context;

	private final JdbcTemplate jdbc;

	private PlainBootClient(ConfigurableApplicationContext context) {
		this.context = context;
		this.jdbc = context.getBean(JdbcTemplate.class);
	}

	/**
	 * Starts the application.
	 * @param url the JDBC URL
	 * @param username the user
	 * @param password the password
	 * @return the running client
	 */
	public static PlainBootClient start(String url, String username, String password) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(Map.of("shardline.enabled", "false", "spring.datasource.url", url,
					"spring.datasource.username", username, "spring.datasource.password", password,
					"spring.datasource.hikari.maximum-pool-size", "8"))
			.run();
		return new PlainBootClient(context);
	}

	@Override
	public String selectOnPrimary(long key) {
		return this.jdbc.queryForObject(Workload.SELECT_BY_ID, String.class, key);
	}

	@Override
	public String selectOnReplica(long key) {
		throw new UnsupportedOperationException("Startup reference only");
	}

	@Override
	public String selectKeyed(long key) {
		throw new UnsupportedOperationException("Startup reference only");
	}

	@Override
	public void insert(long id, long customerId) {
		throw new UnsupportedOperationException("Startup reference only");
	}

	@Override
	public long countEverywhere(long customerId) {
		throw new UnsupportedOperationException("Startup reference only");
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** The application: auto-configuration only, no component scan. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
