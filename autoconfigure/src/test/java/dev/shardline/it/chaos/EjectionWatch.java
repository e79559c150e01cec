package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.shardline.topology.NodeHealth;
import dev.shardline.topology.ShardNode;

/**
 * Samples every instance's replica states and records each time a replica becomes EJECTED
 * (a request failed to get a connection from it). An ejection lasts until the next probe, so a
 * sample every 20 ms sees practically all of them.
 */
final class EjectionWatch implements Runnable {

	private static final Duration EVERY = Duration.ofMillis(20);

	private final List<ChaosInstance> instances;

	private final ChaosRecorder recorder;

	private final BooleanSupplier running;

	EjectionWatch(List<ChaosInstance> instances, ChaosRecorder recorder, BooleanSupplier running) {
		this.instances = instances;
		this.recorder = recorder;
		this.running = running;
	}

	@Override
	public void run() {
		Set<String> ejected = new HashSet<>();
		while (this.running.getAsBoolean()) {
			for (ChaosInstance instance : this.instances) {
				for (ShardNode node : instance.topology().nodes()) {
					String id = instance.name() + "/" + node.name();
					if (node.health().state() == NodeHealth.State.EJECTED) {
						if (ejected.add(id)) {
							this.recorder.ejection(new ChaosRecording.Ejection(instance.name(),
									ChaosInstance.harnessName(node), System.nanoTime()));
						}
					}
					else {
						ejected.remove(id);
					}
				}
			}
			LockSupport.parkNanos(EVERY.toNanos());
		}
	}

}
