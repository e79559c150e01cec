package dev.shardline.routing;

import java.util.List;

import dev.shardline.topology.ShardNode;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.MDC;

/**
 * Puts the route of the current work into the logging MDC ({@code shardline.shard},
 * {@code shardline.node}, {@code shardline.role}, {@code shardline.reason}) until the
 * outermost routed call ends, and, with an observation registry, onto the current
 * observation (so a trace's span says which node served it).
 */
public final class MdcRouteObserver implements RouteObserver {

	private static final List<String> KEYS = List.of("shardline.shard", "shardline.node", "shardline.role",
			"shardline.reason");

	private final ObservationRegistry observations;

	/**
	 * Creates the observer.
	 * @param observations the observation registry, or null
	 */
	public MdcRouteObserver(ObservationRegistry observations) {
		this.observations = observations;
	}

	@Override
	public void connectionRouted(ShardNode node, String role, RouteReason reason) {
		MDC.put("shardline.shard", node.shard());
		MDC.put("shardline.node", node.name());
		MDC.put("shardline.role", role);
		MDC.put("shardline.reason", reason.tag());
		if (this.observations != null) {
			Observation current = this.observations.getCurrentObservation();
			if (current != null) {
				current.highCardinalityKeyValue("shardline.node", node.name());
				current.lowCardinalityKeyValue("shardline.shard", node.shard());
				current.lowCardinalityKeyValue("shardline.role", role);
				current.lowCardinalityKeyValue("shardline.reason", reason.tag());
			}
		}
	}

	@Override
	public void routeLeft() {
		for (String key : KEYS) {
			MDC.remove(key);
		}
	}

}
