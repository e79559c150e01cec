package dev.shardline.it.rebalance;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.rebalance.Rebalancer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application instance in a process of its own that plans and starts a rebalance, so a test
 * can kill it for real ({@code kill -9}) while it moves keys. Arguments: {@code key=value}
 * properties. Prints {@code STARTED <plan id>} once the plan runs, then keeps running until killed.
 */
public final class RebalancingInstance {

	private RebalancingInstance() {
	}

	public static void main(String[] args) throws InterruptedException {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			properties.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JdbcApp.class).properties(properties)
			.run();
		Rebalancer rebalancer = context.getBean(Rebalancer.class);
		long id = rebalancer.plan("add", null).id();
		rebalancer.startPlan();
		System.out.println("STARTED " + id);
		System.out.flush();
		Thread.currentThread().join();
	}

}
