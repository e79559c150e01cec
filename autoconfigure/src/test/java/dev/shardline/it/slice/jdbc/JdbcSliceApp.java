package dev.shardline.it.slice.jdbc;

import org.springframework.boot.SpringBootConfiguration;

/** Configuration the @JdbcTest slice finds. */
@SpringBootConfiguration
public class JdbcSliceApp {

}
