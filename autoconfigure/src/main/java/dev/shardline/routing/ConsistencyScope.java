package dev.shardline.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.shardline.topology.Shard;
import dev.shardline.topology.Topology;

/**
 * The writes of one unit of work (a web request, an explicit scope, or the outermost routed
 * call), per shard: when they happened (session mode) and their GTID (gtid mode). Shared with
 * tasks the unit of work hands to other threads, so it is thread-safe.
 */
public final class ConsistencyScope {

	private final AtomicLongArray writeMicros;

	private final AtomicReferenceArray<String> gtids;

	private final boolean implicit;

	ConsistencyScope(int shards, boolean implicit) {
		this.writeMicros = new AtomicLongArray(shards);
		this.gtids = new AtomicReferenceArray<>(shards);
		this.implicit = implicit;
	}

	boolean isImplicit() {
		return this.implicit;
	}

	/** Time of the last write to the shard (epoch micros), 0 when none. */
	long writeMicros(int shard) {
		return this.writeMicros.get(shard);
	}

	/** GTID of the last write to the shard, or null. */
	String gtid(int shard) {
		return this.gtids.get(shard);
	}

	void recordWrite(int shard, long micros, String gtid) {
		this.writeMicros.accumulateAndGet(shard, micros, Math::max);
		if (gtid != null && !gtid.isEmpty()) {
			this.gtids.set(shard, gtid);
		}
	}

	/**
	 * The positions to carry to a later request, by shard name.
	 * @param topology the shards
	 * @return shard name to position text (a GTID, else write time in micros)
	 */
	public Map<String, String> positions(Topology topology) {
		Map<String, String> positions = new LinkedHashMap<>();
		for (Shard shard : topology.shards()) {
			String gtid = this.gtids.get(shard.index());
			long micros = this.writeMicros.get(shard.index());
			if (gtid != null) {
				positions.put(shard.name(), gtid);
			}
			else if (micros > 0) {
				positions.put(shard.name(), Long.toString(micros));
			}
		}
		return positions;
	}

	/**
	 * Seeds positions carried from an earlier request.
	 * @param topology the shards
	 * @param positions shard name to position text
	 */
	public void seed(Topology topology, Map<String, String> positions) {
		positions.forEach((name, position) -> {
			Shard shard = topology.shard(name);
			if (shard == null) {
				return;
			}
			if (position.chars().allMatch(Character::isDigit)) {
				recordWrite(shard.index(), Long.parseLong(position), null);
			}
			else {
				recordWrite(shard.index(), 0, position);
			}
		});
	}

	/** Whether any write was recorded. */
	public boolean hasWrites() {
		for (int i = 0; i < this.writeMicros.length(); i++) {
			if (this.writeMicros.get(i) > 0 || this.gtids.get(i) != null) {
				return true;
			}
		}
		return false;
	}

}
