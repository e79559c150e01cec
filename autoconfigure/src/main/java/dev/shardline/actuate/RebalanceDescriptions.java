package dev.shardline.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.rebalance.RebalanceProgress;

/** The {@code rebalance} section of the {@code shardline} endpoint. */
final class RebalanceDescriptions {

	private RebalanceDescriptions() {
	}

	static Map<String, Object> describe(RebalanceProgress progress) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("planId", (progress.planId() > 0) ? progress.planId() : null);
		result.put("state", (progress.state() != null) ? progress.state().tag() : "none");
		result.put("kind", progress.kind());
		result.put("description", progress.description());
		result.put("owner", progress.owner());
		result.put("keysDone", progress.keysDone());
		result.put("keysFailed", progress.keysFailed());
		result.put("keysTotal", progress.keysTotal());
		result.put("rowsDone", progress.rowsDone());
		result.put("rowsTotal", progress.rowsTotal());
		result.put("rowsPerSecond", Math.round(progress.rowsPerSecond() * 10) / 10.0);
		result.put("throttledSeconds", Math.round(progress.throttledSeconds() * 10) / 10.0);
		result.put("etaSeconds", (progress.etaSeconds() != null) ? Math.round(progress.etaSeconds() * 10) / 10.0 : null);
		result.put("workers", progress.workers());
		result.put("throttledBy", progress.throttledBy());
		result.put("lastError", progress.lastError());
		List<Map<String, Object>> pairs = new ArrayList<>();
		for (RebalanceProgress.PairProgress pair : progress.pairs()) {
			Map<String, Object> described = new LinkedHashMap<>();
			described.put("from", pair.from());
			described.put("to", pair.to());
			described.put("keysPending", pair.keysPending());
			described.put("keysDone", pair.keysDone());
			described.put("keysFailed", pair.keysFailed());
			described.put("rowsDone", pair.rowsDone());
			described.put("rowsTotal", pair.rowsTotal());
			pairs.add(described);
		}
		result.put("pairs", pairs);
		return result;
	}

}
