package dev.shardline.routing;

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

	private static final String[] KEYS = { "shardline.shard", "shardline.node", "shardline.role",
			"shardline.reason" };

	private final ObservationRegistry observations;

	private final boolean mdc;

	/**
	 * Creates the observer that writes the MDC and, with a registry, the current observation.
	 * @param observations the observation registry, or null
	 */
	public MdcRouteObserver(ObservationRegistry observations) {
		this(observations, true);
	}

	/**
	 * Creates the observer.
	 * @param observations the observation registry, or null
	 * @param mdc whether to write the logging MDC ({@code shardline.observability.mdc})
	 */
	public MdcRouteObserver(ObservationRegistry observations, boolean mdc) {
		this.observations = observations;
		this.mdc = mdc;
	}

	/** Whether this observer writes the logging MDC. */
	public boolean writesMdc() {
		return this.mdc;
	}

	@Override
	public void connectionRouted(ShardNode node, String role, RouteReason reason) {
		if (this.mdc) {
			MDC.put(KEYS[0], node.shard());
			MDC.put(KEYS[1], node.name());
			MDC.put(KEYS[2], role);
			MDC.put(KEYS[3], reason.tag());
		}
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
		if (this.mdc) {
			// An index loop: an iterator here was an allocation on every routed call.
			for (int i = 0; i < KEYS.length; i++) {
				MDC.remove(KEYS[i]);
			}
		}
	}

}
