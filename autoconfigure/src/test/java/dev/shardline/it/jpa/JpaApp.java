package dev.shardline.it.jpa;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A JPA (Hibernate) application. */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
@Import(OrderEntityService.class)
public class JpaApp {

}
