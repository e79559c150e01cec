package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

import dev.shardline.it.chaos.ChaosRecording.Read;
import dev.shardline.it.chaos.ChaosRecording.Window;
import dev.shardline.it.chaos.ChaosRecording.Write;

/**
 * Judges a chaos run: the client's records against what the servers hold afterwards. Each
 * check is one method returning its verdict with the first violations and what it measured.
 * Pure: no I/O, so every check can be shown to fail on a recording with one violation.
 */
final class ChaosChecks {

	private final ChaosRecording run;

	private final ServerState servers;

	private final ChaosLimits limits;

	private final LongFunction<String> ring;

	private final long origin;

	/**
	 * @param run the client's records
	 * @param servers the servers' state after the run
	 * @param limits the bounds
	 * @param ring the strategy's owner of a key without a directory entry
	 */
	ChaosChecks(ChaosRecording run, ServerState servers, ChaosLimits limits, LongFunction<String> ring) {
		this.run = run;
		this.servers = servers;
		this.limits = limits;
		this.ring = ring;
		long first = Long.MAX_VALUE;
		for (Write write : run.writes()) {
			first = Math.min(first, write.startNanos());
		}
		for (Read read : run.reads()) {
			first = Math.min(first, read.startNanos());
		}
		this.origin = (first == Long.MAX_VALUE) ? 0 : first;
	}

	List<CheckResult> all() {
		return List.of(acknowledgedWritesKept(), noDuplicateOrMisplacedRow(), refusedWritesAbsent(), noStaleRead(),
				readYourWrites(), noLeakedConnection(), readsAvailableDuringReplicaFaults(),
				readsAvailableDuringPrimaryFaults(), otherShardsWritableDuringPrimaryFaults(), failedWritesFailFast(), healedNodesServeAgain(),
				healthUpAtEnd(), busyPoolIsNotADeadNode());
	}

	/** Every acknowledged write is on every node of its key's owner. */
	CheckResult acknowledgedWritesKept() {
		List<String> violations = new ArrayList<>();
		long acknowledged = 0;
		for (Write write : this.run.writes()) {
			if (write.outcome() != Outcome.ACKNOWLEDGED) {
				continue;
			}
			acknowledged++;
			String owner = owner(write.key());
			for (ServerState.NodeRows node : this.servers.nodes()) {
				if (node.shard().equals(owner) && !node.rows().containsKey(write.id())) {
					violations.add("row " + write.id() + " (key " + write.key() + ", acknowledged to " + write.instance()
							+ " at " + at(write.endNanos()) + ") is missing on " + node.node());
				}
			}
		}
		return CheckResult.of("no acknowledged write lost", violations,
				acknowledged + " acknowledged writes checked on " + this.servers.nodes().size() + " nodes");
	}

	/** Every row was written by the run, lives on its key's owner only, and on one shard only. */
	CheckResult noDuplicateOrMisplacedRow() {
		List<String> violations = new ArrayList<>();
		Set<Long> attempted = new HashSet<>();
		for (Write write : this.run.writes()) {
			attempted.add(write.id());
		}
		Map<Long, Set<String>> shardsOf = new HashMap<>();
		long rows = 0;
		for (ServerState.NodeRows node : this.servers.nodes()) {
			for (Map.Entry<Long, Long> row : node.rows().entrySet()) {
				rows++;
				long id = row.getKey();
				long key = row.getValue();
				if (!attempted.contains(id)) {
					violations.add("row " + id + " on " + node.node() + " was never written by the run");
				}
				String owner = owner(key);
				if (!owner.equals(node.shard())) {
					violations.add("row " + id + " (key " + key + ") is on " + node.node() + ", but the key lives on "
							+ owner);
				}
				shardsOf.computeIfAbsent(id, (k) -> new TreeSet<>()).add(node.shard());
			}
		}
		shardsOf.forEach((id, shards) -> {
			if (shards.size() > 1) {
				violations.add("row " + id + " is on " + shards.size() + " shards: " + shards);
			}
		});
		return CheckResult.of("no duplicate or misplaced row", violations,
				rows + " rows on " + this.servers.nodes().size() + " nodes, " + this.servers.directory().size()
						+ " directory entries");
	}

	/** No write refused before any statement left a row anywhere. */
	CheckResult refusedWritesAbsent() {
		List<String> violations = new ArrayList<>();
		long refused = 0;
		for (Write write : this.run.writes()) {
			if (write.outcome() != Outcome.REFUSED) {
				continue;
			}
			refused++;
			for (ServerState.NodeRows node : this.servers.nodes()) {
				if (node.rows().containsKey(write.id())) {
					violations.add("row " + write.id() + " was refused to " + write.instance() + " at "
							+ at(write.endNanos()) + " (" + write.error() + ") but is on " + node.node());
				}
			}
		}
		return CheckResult.of("no refused write present", violations, refused + " refused writes checked");
	}

	/**
	 * No read returned a clock older than the stale bound: a read that started at {@code s}
	 * and saw clock value {@code v} missed the next update, acknowledged at {@code a}, for
	 * {@code s - a} (a lower bound of its real staleness, so never a false alarm).
	 */
	CheckResult noStaleRead() {
		Map<String, long[][]> ticks = ticksByShard();
		List<String> violations = new ArrayList<>();
		long worst = 0;
		long fromReplicas = 0;
		long checked = 0;
		Map<String, Long> staleBy = new java.util.TreeMap<>();
		Map<String, Long> stalestBy = new java.util.TreeMap<>();
		for (Read read : this.run.reads()) {
			if (!read.ok()) {
				continue;
			}
			checked++;
			if (read.node().contains("replica")) {
				fromReplicas++;
			}
			long staleness = staleness(ticks.get(read.shard()), read);
			worst = Math.max(worst, staleness);
			stalestBy.merge(read.instance(), staleness, Math::max);
			if (staleness > this.limits.staleBound().toNanos()) {
				staleBy.merge(read.instance(), 1L, Long::sum);
				violations.add("read of " + read.shard() + " by " + read.instance() + " at " + at(read.startNanos())
						+ " from " + read.node() + " was " + millis(staleness) + " ms stale (bound "
						+ this.limits.staleBound().toMillis() + " ms)");
			}
		}
		return CheckResult.of("no stale read", violations,
				checked + " reads (" + fromReplicas + " from replicas), stalest " + millis(worst) + " ms, bound "
						+ this.limits.staleBound().toMillis() + " ms; stalest per instance " + inMillis(stalestBy)
						+ ", stale reads per instance " + staleBy);
	}

	/** Every acknowledged write read back in its unit of work was found. */
	CheckResult readYourWrites() {
		List<String> violations = new ArrayList<>();
		long fromReplicas = 0;
		Map<String, Long> missesBy = new java.util.TreeMap<>();
		for (ChaosRecording.ReadBack readBack : this.run.readBacks()) {
			if (readBack.node().contains("replica")) {
				fromReplicas++;
			}
			if (!readBack.found()) {
				missesBy.merge(readBack.instance(), 1L, Long::sum);
				violations.add("row " + readBack.id() + " written by " + readBack.instance() + " was not found by its "
						+ "read-back at " + at(readBack.readStartNanos()) + " on " + readBack.node());
			}
		}
		return CheckResult.of("no read-your-writes miss", violations,
				this.run.readBacks().size() + " read-backs, " + fromReplicas + " served by replicas, misses per instance "
						+ missesBy);
	}

	/** Every pool of every instance has no connection in use once the load stopped. */
	CheckResult noLeakedConnection() {
		List<String> violations = new ArrayList<>();
		this.servers.activeConnections().forEach((pool, active) -> {
			if (active != 0) {
				violations.add(pool + " has " + active + " active connections after the load stopped");
			}
		});
		if (this.servers.activeConnections().isEmpty()) {
			violations.add("no pool was inspected");
		}
		return CheckResult.of("no leaked connection", violations,
				this.servers.activeConnections().size() + " pools back to 0 active");
	}

	/** During each replica fault, from injection until the node serves again, the shard's reads succeed. */
	CheckResult readsAvailableDuringReplicaFaults() {
		return readsAvailable("reads available during replica faults", FaultKind.Target.REPLICA);
	}

	/**
	 * During each primary fault the shard's reads succeed all the same: README's "the shard's
	 * replicas keep serving reads" ({@code primary-down-reads: replicas}), and issue 12's "reads of
	 * every key keep working" while the directory's primary is unreachable.
	 */
	CheckResult readsAvailableDuringPrimaryFaults() {
		return readsAvailable("reads available during primary faults", FaultKind.Target.PRIMARY);
	}

	private CheckResult readsAvailable(String name, FaultKind.Target target) {
		List<String> violations = new ArrayList<>();
		double worst = 1;
		for (Window window : this.run.windows()) {
			if (window.kind().target() != target) {
				continue;
			}
			long end = windowEnd(window);
			Map<String, long[]> perInstance = new java.util.TreeMap<>();
			long total = 0;
			long ok = 0;
			for (Read read : this.run.reads()) {
				if (read.shard().equals(window.shard()) && read.startNanos() >= window.injectedNanos()
						&& read.startNanos() <= end) {
					total++;
					ok += read.ok() ? 1 : 0;
					long[] counts = perInstance.computeIfAbsent(read.instance(), (i) -> new long[2]);
					counts[0]++;
					counts[1] += read.ok() ? 1 : 0;
				}
			}
			double share = (total == 0) ? 0 : (double) ok / total;
			worst = Math.min(worst, share);
			if (total == 0 || share < this.limits.readAvailability()) {
				StringBuilder split = new StringBuilder();
				perInstance.forEach((instance, counts) -> split.append(", ").append(instance).append(' ')
					.append(counts[1]).append('/').append(counts[0]));
				violations.add(window.kind().tag() + " on " + window.nodes() + ": " + ok + " of " + total + " reads of "
						+ window.shard() + " succeeded (" + percent(share) + ", need "
						+ percent(this.limits.readAvailability()) + split + ")");
			}
		}
		return CheckResult.of(name, violations, "lowest " + percent(worst) + " of a faulted shard's reads");
	}

	/**
	 * During each primary fault, from injection until the primary serves again, every write to
	 * another shard is acknowledged, each within the fail bound.
	 */
	CheckResult otherShardsWritableDuringPrimaryFaults() {
		List<String> violations = new ArrayList<>();
		long total = 0;
		long acknowledged = 0;
		long slowest = 0;
		for (Window window : this.run.windows()) {
			if (window.kind().target() != FaultKind.Target.PRIMARY) {
				continue;
			}
			long end = windowEnd(window);
			long inWindow = 0;
			for (Write write : this.run.writes()) {
				if (write.shard() == null || write.shard().equals(window.shard())
						|| write.startNanos() < window.injectedNanos() || write.startNanos() > end) {
					continue;
				}
				inWindow++;
				total++;
				slowest = Math.max(slowest, write.nanos());
				if (write.outcome() != Outcome.ACKNOWLEDGED) {
					violations.add("write " + write.id() + " to " + write.shard() + " by " + write.instance() + " at "
							+ at(write.startNanos()) + " during " + window.kind().tag() + " of " + window.nodes() + ": "
							+ write.outcome() + " after " + millis(write.nanos()) + " ms: " + write.error());
				}
				else {
					acknowledged++;
					if (write.nanos() > this.limits.failBound().toNanos()) {
						violations.add("write " + write.id() + " to " + write.shard() + " by " + write.instance()
								+ " during " + window.kind().tag() + " of " + window.nodes() + " took "
								+ millis(write.nanos()) + " ms (bound " + this.limits.failBound().toMillis() + " ms)");
					}
				}
			}
			if (inWindow == 0) {
				violations.add("no write to another shard during " + window.kind().tag() + " of " + window.nodes());
			}
		}
		return CheckResult.of("other shards' writes during primary faults", violations,
				acknowledged + " of " + total + " acknowledged, slowest " + millis(slowest) + " ms");
	}

	/** Every write that was not acknowledged failed within connect-timeout + 1 s. */
	CheckResult failedWritesFailFast() {
		List<String> violations = new ArrayList<>();
		long failed = 0;
		long slowest = 0;
		for (Write write : this.run.writes()) {
			if (write.outcome() == Outcome.ACKNOWLEDGED) {
				continue;
			}
			failed++;
			slowest = Math.max(slowest, write.nanos());
			if (write.nanos() > this.limits.failBound().toNanos()) {
				violations.add("write " + write.id() + " to " + ((write.shard() != null) ? write.shard() : "the moving key")
						+ " by " + write.instance() + " at " + at(write.startNanos()) + " failed after "
						+ millis(write.nanos()) + " ms (bound " + this.limits.failBound().toMillis() + " ms): "
						+ write.error());
			}
		}
		return CheckResult.of("failed writes fail fast", violations, failed + " failed writes ("
				+ count(Outcome.REFUSED) + " refused, " + count(Outcome.UNKNOWN) + " unknown), slowest " + millis(slowest)
				+ " ms, bound " + this.limits.failBound().toMillis() + " ms");
	}

	/** After each heal, every instance is served by the healed node again within the heal bound. */
	CheckResult healedNodesServeAgain() {
		List<String> violations = new ArrayList<>();
		long slowest = 0;
		for (Window window : this.run.windows()) {
			if (window.kind().target() == FaultKind.Target.NONE) {
				continue;
			}
			for (String instance : this.run.instances()) {
				OptionalLong served = servedAgain(window, instance);
				if (served.isEmpty()) {
					violations.add(window.nodes() + " never served " + instance + " again after " + window.kind().tag()
							+ " was healed at " + at(window.healedNanos()));
					continue;
				}
				long took = served.getAsLong() - window.healedNanos();
				slowest = Math.max(slowest, took);
				if (took > this.limits.healBound().toNanos()) {
					violations.add(window.nodes() + " served " + instance + " again " + millis(took) + " ms after "
							+ window.kind().tag() + " was healed (bound " + this.limits.healBound().toMillis() + " ms)");
				}
			}
		}
		return CheckResult.of("healed nodes serve again", violations, "slowest " + millis(slowest) + " ms, bound "
				+ this.limits.healBound().toMillis() + " ms");
	}

	/** At the end every health component and every node's monitor state is UP. */
	CheckResult healthUpAtEnd() {
		List<String> violations = new ArrayList<>();
		this.servers.health().forEach((component, status) -> {
			if (!"UP".equals(status)) {
				violations.add(component + " is " + status);
			}
		});
		if (this.servers.health().isEmpty()) {
			violations.add("no health was read");
		}
		return CheckResult.of("health UP at the end", violations, this.servers.health().size() + " components");
	}

	/**
	 * While one instance's pool to a replica is held exhausted, that instance's reads of the
	 * shard do not wait out the pool's timeout (p99 below connect-timeout) and the replica, which
	 * answers, is never ejected.
	 */
	CheckResult busyPoolIsNotADeadNode() {
		List<String> violations = new ArrayList<>();
		List<String> figures = new ArrayList<>();
		for (Window window : this.run.windows()) {
			if (window.kind() != FaultKind.REPLICA_POOL_EXHAUSTED) {
				continue;
			}
			List<Long> latencies = new ArrayList<>();
			for (Read read : this.run.reads()) {
				if (read.instance().equals(window.instance()) && read.shard().equals(window.shard())
						&& read.startNanos() >= window.injectedNanos() && read.startNanos() < window.healedNanos()) {
					latencies.add(read.endNanos() - read.startNanos());
				}
			}
			latencies.sort(Comparator.naturalOrder());
			long p99 = latencies.isEmpty() ? Long.MAX_VALUE
					: latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1));
			long ejected = this.run.ejections()
				.stream()
				.filter((e) -> e.instance().equals(window.instance()) && window.nodes().contains(e.node())
						&& e.atNanos() >= window.injectedNanos() && e.atNanos() <= window.healedNanos())
				.count();
			figures.add(window.nodes() + ": " + latencies.size() + " reads, p99 "
					+ (latencies.isEmpty() ? "-" : millis(p99) + " ms") + ", " + ejected + " ejections seen");
			if (latencies.isEmpty()) {
				violations.add("no read of " + window.shard() + " by " + window.instance() + " while its pool to "
						+ window.nodes() + " was held");
			}
			else if (p99 >= this.limits.connectTimeout().toNanos()) {
				violations.add(window.instance() + "'s reads of " + window.shard() + " while its pool to " + window.nodes()
						+ " was held: p99 " + millis(p99) + " ms, not below connect-timeout ("
						+ this.limits.connectTimeout().toMillis() + " ms)");
			}
			if (ejected > 0) {
				violations.add(window.nodes() + " (busy, not dead) was seen ejected by " + window.instance() + " " + ejected
						+ " times while its pool was held");
			}
		}
		return CheckResult.of("busy pool is not a dead node", violations,
				figures.isEmpty() ? "no held pool" : String.join("; ", figures));
	}

	// ---- helpers ----

	/** The key's owner after the run: its directory entry, else the strategy's choice. */
	private String owner(long key) {
		String assigned = this.servers.directory().get(key);
		return (assigned != null) ? assigned : this.ring.apply(key);
	}

	/** Until every instance was served by the healed node again; else heal + heal bound. */
	private long windowEnd(Window window) {
		long end = window.healedNanos();
		for (String instance : this.run.instances()) {
			OptionalLong served = servedAgain(window, instance);
			end = Math.max(end, served.orElse(window.healedNanos() + this.limits.healBound().toNanos()));
		}
		return end;
	}

	/**
	 * When the instance was served by every node of the window again (the end of the first
	 * successful call started after the heal): a read for replicas, an acknowledged write for a
	 * primary.
	 */
	OptionalLong servedAgain(Window window, String instance) {
		if (window.kind().target() == FaultKind.Target.PRIMARY) {
			return this.run.writes()
				.stream()
				.filter((w) -> w.instance().equals(instance) && window.shard().equals(w.shard())
						&& w.outcome() == Outcome.ACKNOWLEDGED && w.startNanos() >= window.healedNanos())
				.mapToLong(Write::endNanos)
				.min();
		}
		long latest = Long.MIN_VALUE;
		for (String node : window.nodes()) {
			OptionalLong first = this.run.reads()
				.stream()
				.filter((r) -> r.instance().equals(instance) && node.equals(r.node())
						&& r.startNanos() >= window.healedNanos())
				.mapToLong(Read::endNanos)
				.min();
			if (first.isEmpty()) {
				return OptionalLong.empty();
			}
			latest = Math.max(latest, first.getAsLong());
		}
		return OptionalLong.of(latest);
	}

	/** Per shard, [seq, ackNanos] pairs in ascending seq order. */
	private Map<String, long[][]> ticksByShard() {
		Map<String, List<ChaosRecording.Tick>> byShard = new HashMap<>();
		for (ChaosRecording.Tick tick : this.run.ticks()) {
			byShard.computeIfAbsent(tick.shard(), (s) -> new ArrayList<>()).add(tick);
		}
		Map<String, long[][]> result = new HashMap<>();
		byShard.forEach((shard, list) -> {
			list.sort(Comparator.comparingLong(ChaosRecording.Tick::seq));
			long[][] pairs = new long[list.size()][];
			for (int i = 0; i < pairs.length; i++) {
				pairs[i] = new long[] { list.get(i).seq(), list.get(i).ackNanos() };
			}
			result.put(shard, pairs);
		});
		return result;
	}

	private static long staleness(long[][] ticks, Read read) {
		if (ticks == null || ticks.length == 0) {
			return 0;
		}
		// first acknowledged update the read did not see
		int i = Arrays.binarySearch(ticks, new long[] { read.seq() + 1, 0 }, Comparator.comparingLong((long[] t) -> t[0]));
		if (i < 0) {
			i = -i - 1;
		}
		if (i >= ticks.length) {
			return 0;
		}
		return Math.max(0, read.startNanos() - ticks[i][1]);
	}

	private static Map<String, Long> inMillis(Map<String, Long> nanos) {
		Map<String, Long> result = new java.util.TreeMap<>();
		nanos.forEach((k, v) -> result.put(k, millis(v)));
		return result;
	}

	private long count(Outcome outcome) {
		return this.run.writes().stream().filter((w) -> w.outcome() == outcome).count();
	}

	private String at(long nanos) {
		return String.format("+%.2f s", (nanos - this.origin) / 1e9);
	}

	private static long millis(long nanos) {
		return Duration.ofNanos(nanos).toMillis();
	}

	private static String percent(double share) {
		return String.format("%.2f %%", share * 100);
	}

}
