package dev.shardline.benchmarks.e2e;

/**
 * What the parent records from its children.
 */
public final class Results {

	private Results() {
	}

	/**
	 * One measured window of one system.
	 * @param system the system
	 * @param threads client threads
	 * @param repetition 1-based repetition
	 * @param workload the workload
	 * @param ops operations completed
	 * @param seconds the window's length
	 * @param throughput operations per second
	 * @param p50Micros median latency
	 * @param p99Micros 99th percentile latency
	 * @param cpuMicrosPerOp the child process's CPU time per operation (all its threads)
	 * @param clientCpuMicrosPerOp the client threads' own CPU time per operation (and, for W5,
	 * the scatter executor's): diagnosis, without JIT, GC and background threads
	 * @param allocBytesPerOp bytes allocated per operation by the client threads (and the
	 * scatter executor's)
	 * @param errors failed operations (warm-up and window)
	 * @param error the first failure, or null
	 * @param routingPassed whether the routing check passed
	 * @param routingProblems what the routing check found wrong
	 * @param perNode the per-node statement counts
	 */
	public record Window(SystemKind system, int threads, int repetition, Workload workload, long ops, double seconds,
			double throughput, double p50Micros, double p99Micros, double cpuMicrosPerOp, double clientCpuMicrosPerOp,
			double allocBytesPerOp, long errors, String error, boolean routingPassed, String routingProblems, String perNode) {

		/**
		 * Whether the window counts: no errors and the routing check passed.
		 * @return {@code true} when it does
		 */
		public boolean ok() {
			return this.errors == 0 && this.routingPassed && this.ops > 0;
		}

		/**
		 * Why the window does not count.
		 * @return the reason, or null when it does
		 */
		public String failure() {
			if (this.errors > 0) {
				return this.errors + " failed operations: " + this.error;
			}
			if (!this.routingPassed) {
				return "routing: " + this.routingProblems;
			}
			return (this.ops > 0) ? null : "no operations";
		}

	}

	/**
	 * One child JVM.
	 * @param system the system
	 * @param threads client threads
	 * @param repetition 1-based repetition
	 * @param startupMillis JVM start to the first successful query, or -1
	 * @param heapAfterWarmupBytes heap used after the first warm-up and a full GC, or -1
	 * @param failure why the child failed, or null
	 */
	public record Child(SystemKind system, int threads, int repetition, long startupMillis, long heapAfterWarmupBytes,
			String failure) {
	}

}
