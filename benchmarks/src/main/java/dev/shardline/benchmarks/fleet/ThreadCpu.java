package dev.shardline.benchmarks.fleet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of every live thread's CPU time, grouped by who owns the thread: Shardline's own
 * threads (monitor, probes, scatter), HikariCP's per-pool threads, and the rest.
 */
record ThreadCpu(long atNanos, long processCpuNanos, Map<Long, Entry> threads) {

	/** One thread: its name, kind and CPU time so far. */
	record Entry(String name, Kind kind, long cpuNanos) {
	}

	/** Who a thread belongs to, by its name. */
	enum Kind {

		/** {@code shardline-monitor-N}: the replication monitor's scheduler. */
		SHARDLINE_MONITOR,

		/** {@code shardline-probe-N}: the monitor's probe workers. */
		SHARDLINE_PROBE,

		/** {@code shardline-scatter-N}: scatter-gather workers. */
		SHARDLINE_SCATTER,

		/** {@code <pool>:housekeeper}: one per HikariCP pool. */
		HIKARI_HOUSEKEEPER,

		/** {@code <pool>:connection-adder} / {@code :connection-closer}: HikariCP's on-demand threads. */
		HIKARI_OTHER,

		/** Everything else (JVM, Spring, the benchmark). */
		OTHER;

		static Kind of(String name) {
			if (name.startsWith("shardline-monitor-")) {
				return SHARDLINE_MONITOR;
			}
			if (name.startsWith("shardline-probe-")) {
				return SHARDLINE_PROBE;
			}
			if (name.startsWith("shardline-scatter-")) {
				return SHARDLINE_SCATTER;
			}
			if (name.endsWith(":housekeeper")) {
				return HIKARI_HOUSEKEEPER;
			}
			if (name.endsWith(":connection-adder") || name.endsWith(":connection-closer")) {
				return HIKARI_OTHER;
			}
			return OTHER;
		}

		boolean shardline() {
			return this == SHARDLINE_MONITOR || this == SHARDLINE_PROBE || this == SHARDLINE_SCATTER;
		}

	}

	static ThreadCpu take() {
		ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		Map<Long, Entry> threads = new LinkedHashMap<>();
		for (ThreadInfo info : bean.getThreadInfo(bean.getAllThreadIds())) {
			if (info == null) {
				continue;
			}
			long cpu = bean.getThreadCpuTime(info.getThreadId());
			if (cpu >= 0) {
				threads.put(info.getThreadId(), new Entry(info.getThreadName(), Kind.of(info.getThreadName()), cpu));
			}
		}
		long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		return new ThreadCpu(System.nanoTime(), process, threads);
	}

	/** Live threads of a kind. */
	long count(Kind kind) {
		return this.threads.values().stream().filter((e) -> e.kind() == kind).count();
	}

	/** Live threads that are Shardline's own. */
	long shardlineCount() {
		return this.threads.values().stream().filter((e) -> e.kind().shardline()).count();
	}

	/**
	 * CPU time threads of a kind used since {@code before} (threads born since count from 0;
	 * threads that died in between are lost, which only under-counts pools that shrink).
	 */
	long cpuSince(ThreadCpu before, java.util.function.Predicate<Kind> kinds) {
		long total = 0;
		for (Map.Entry<Long, Entry> e : this.threads.entrySet()) {
			if (kinds.test(e.getValue().kind())) {
				Entry earlier = before.threads.get(e.getKey());
				total += e.getValue().cpuNanos() - ((earlier != null) ? earlier.cpuNanos() : 0);
			}
		}
		return total;
	}

}
