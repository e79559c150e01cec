package dev.shardline.it.nodatabase;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.shardline.routing.ShardRouter;
import dev.shardline.routing.ShardlineDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Excluding Boot's DataSource auto-configuration is how an application says "no
 * auto-configured DataSource": Shardline backs off then, even with {@code shardline.*} set,
 * unless {@code shardline.enabled=true} says it is wanted. Modelled on a test application that
 * runs without a database with Spring Data JPA on the class path, which Shardline's DataSource
 * would otherwise switch on (and which then needs an {@code entityManagerFactory}). No server is
 * needed: the node URLs point at a closed port.
 */
class DataSourceExclusionTests {

	private static final String EXCLUDED = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration,"
			+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration";

	@Test
	void excludedOnTheAnnotationShardlineBacksOff() {
		try (ConfigurableApplicationContext context = start(DatabaseLessApp.class)) {
			assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
			assertThat(context.getBeansOfType(ShardRouter.class)).isEmpty();
			assertThat(context.getBeansOfType(NoteRepository.class)).isEmpty();
		}
	}

	@Test
	void excludedByPropertyShardlineBacksOff() {
		try (ConfigurableApplicationContext context = start(PlainApp.class, "spring.autoconfigure.exclude=" + EXCLUDED)) {
			assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
			assertThat(context.getBeansOfType(ShardRouter.class)).isEmpty();
		}
	}

	@Test
	void shardlineEnabledExplicitlyKeepsShardlineDespiteTheExclusion() {
		try (ConfigurableApplicationContext context = start(DatabaseLessApp.class, "shardline.enabled=true",
				"spring.data.jpa.repositories.enabled=false", "spring.data.jdbc.repositories.enabled=false")) {
			assertThat(context.getBeansOfType(DataSource.class).values()).singleElement()
				.isInstanceOf(ShardlineDataSource.class);
		}
	}

	@Test
	void withoutTheExclusionShardlineProvidesTheDataSource() {
		try (ConfigurableApplicationContext context = start(PlainApp.class,
				"spring.autoconfigure.exclude=org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"spring.data.jpa.repositories.enabled=false", "spring.data.jdbc.repositories.enabled=false")) {
			assertThat(context.getBeansOfType(DataSource.class).values()).singleElement()
				.isInstanceOf(ShardlineDataSource.class);
		}
	}

	private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("shardline.shards.shard-0.primary.url", "jdbc:mysql://127.0.0.1:1/app");
		values.put("shardline.shards.shard-0.primary.username", "app");
		values.put("shardline.shards.shard-0.primary.password", "app");
		values.put("shardline.replication.connect-timeout", "250ms");
		values.put("shardline.hikari.minimum-idle", "0");
		values.put("spring.main.web-application-type", "none");
		values.put("spring.main.banner-mode", "off");
		values.put("spring.flyway.enabled", "false");
		values.put("spring.liquibase.enabled", "false");
		for (String property : properties) {
			int equals = property.indexOf('=');
			values.put(property.substring(0, equals), property.substring(equals + 1));
		}
		return new SpringApplicationBuilder(application).properties(values).run();
	}

}
