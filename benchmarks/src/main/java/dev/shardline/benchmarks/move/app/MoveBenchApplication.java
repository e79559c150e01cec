package dev.shardline.benchmarks.move.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application each of the key-move benchmark's two instances runs: the starter with the
 * directory on, and {@link OrderStore}, configured only through properties.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class MoveBenchApplication {

}
