package dev.shardline.it.slice.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Configuration the @DataJpaTest slice finds. */
@SpringBootApplication
public class JpaSliceApp {

}
