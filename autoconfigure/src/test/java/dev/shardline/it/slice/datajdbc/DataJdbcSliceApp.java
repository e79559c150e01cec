package dev.shardline.it.slice.datajdbc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Configuration the @DataJdbcTest slice finds. */
@SpringBootApplication
public class DataJdbcSliceApp {

}
