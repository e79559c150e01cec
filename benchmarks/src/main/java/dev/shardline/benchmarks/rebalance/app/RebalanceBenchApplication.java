package dev.shardline.benchmarks.rebalance.app;

import dev.shardline.benchmarks.move.app.OrderStore;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The application each of the rebalance benchmark's two instances runs: the starter with the
 * directory on, the key-move benchmark's {@link OrderStore} (writes) and {@link OrderReader}
 * (replica reads), configured only through properties.
 */
@SpringBootApplication(proxyBeanMethods = false)
@Import(OrderStore.class)
public class RebalanceBenchApplication {

}
