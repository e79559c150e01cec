package dev.shardline.it.chaos;

import dev.shardline.directory.KeyMover;
import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Topology;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One application instance of a chaos run.
 *
 * @param name a short name for reports ({@code A}, {@code B})
 * @param context the running application
 */
record ChaosInstance(String name, ConfigurableApplicationContext context) {

	ChaosStore store() {
		return this.context.getBean(ChaosStore.class);
	}

	ShardRouting routing() {
		return this.context.getBean(ShardRouting.class);
	}

	Topology topology() {
		return this.context.getBean(Topology.class);
	}

	KeyMover mover() {
		return this.context.getBean(KeyMover.class);
	}

	/** The harness' name of a Shardline node ({@code shard-0-replica-1}); roles never change in a run. */
	static String harnessName(dev.shardline.topology.ShardNode node) {
		return node.shard() + ((node.replicaIndex() < 0) ? "-primary" : "-replica-" + node.replicaIndex());
	}

}
