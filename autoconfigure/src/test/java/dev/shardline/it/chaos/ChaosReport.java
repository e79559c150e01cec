package dev.shardline.it.chaos;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import dev.shardline.it.chaos.ChaosRecording.Read;
import dev.shardline.it.chaos.ChaosRecording.Window;
import dev.shardline.it.chaos.ChaosRecording.Write;

/** Renders a chaos run's figures and verdicts as text (the source of RELIABILITY.md's tables). */
final class ChaosReport {

	private ChaosReport() {
	}

	/** The error's class and the start of its message, without ports and ids that make every one distinct. */
	private static String shorten(String error) {
		String text = String.valueOf(error).replaceAll("[0-9]+", "#");
		return (text.length() > 140) ? text.substring(0, 140) : text;
	}

	static String render(FaultSchedule schedule, Duration elapsed, ChaosRecording run, ChaosChecks checks,
			List<CheckResult> results, List<String> moves) {
		StringBuilder out = new StringBuilder();
		out.append("Chaos run '").append(schedule.name()).append("': ").append(elapsed.toSeconds())
			.append(" s of load, ").append(run.windows().size()).append(" faults/moves\n");
		long acknowledged = run.writes().stream().filter((w) -> w.outcome() == Outcome.ACKNOWLEDGED).count();
		long refused = run.writes().stream().filter((w) -> w.outcome() == Outcome.REFUSED).count();
		long unknown = run.writes().stream().filter((w) -> w.outcome() == Outcome.UNKNOWN).count();
		long readsOk = run.reads().stream().filter(Read::ok).count();
		out.append(String.format("writes %d (acknowledged %d, refused %d, unknown %d); reads %d (%d ok); read-backs %d;"
				+ " clock ticks %d%n", run.writes().size(), acknowledged, refused, unknown, run.reads().size(), readsOk,
				run.readBacks().size(), run.ticks().size()));
		out.append("| fault | nodes | held | reads of the shard ok | writes to other shards ok | healed → serving again |\n");
		out.append("| --- | --- | --- | --- | --- | --- |\n");
		for (Window window : run.windows()) {
			if (window.kind() == FaultKind.KEY_MOVE) {
				continue;
			}
			long end = window.healedNanos() + Duration.ofSeconds(15).toNanos();
			long reads = 0;
			long ok = 0;
			for (Read read : run.reads()) {
				if (read.shard().equals(window.shard()) && read.startNanos() >= window.injectedNanos()
						&& read.startNanos() <= window.healedNanos()) {
					reads++;
					ok += read.ok() ? 1 : 0;
				}
			}
			long writes = 0;
			long written = 0;
			for (Write write : run.writes()) {
				if (write.shard() != null && !write.shard().equals(window.shard())
						&& write.startNanos() >= window.injectedNanos() && write.startNanos() <= window.healedNanos()) {
					writes++;
					written += (write.outcome() == Outcome.ACKNOWLEDGED) ? 1 : 0;
				}
			}
			StringBuilder healed = new StringBuilder();
			for (String instance : run.instances()) {
				OptionalLong served = checks.servedAgain(window, instance);
				healed.append(instance).append(' ')
					.append(served.isPresent() && served.getAsLong() <= end
							? Duration.ofNanos(served.getAsLong() - window.healedNanos()).toMillis() + " ms" : "never")
					.append("  ");
			}
			out.append(String.format("| %s | %s | %.1f s | %d / %d | %d / %d | %s |%n", window.kind().tag(),
					String.join(", ", window.nodes()) + ((window.instance() != null) ? " (" + window.instance() + ")" : ""),
					(window.healedNanos() - window.injectedNanos()) / 1e9, ok, reads, written, writes,
					healed.toString().trim()));
		}
		for (Window window : run.windows()) {
			if (window.kind() == FaultKind.KEY_MOVE) {
				continue;
			}
			java.util.Map<String, Long> errors = new java.util.TreeMap<>();
			run.reads().stream()
				.filter((r) -> !r.ok() && r.startNanos() >= window.injectedNanos()
						&& r.startNanos() <= window.healedNanos() + Duration.ofSeconds(2).toNanos())
				.forEach((r) -> errors.merge("read by " + r.instance() + " of " + r.shard() + ": " + shorten(r.error()), 1L, Long::sum));
			run.writes().stream()
				.filter((w) -> w.outcome() != Outcome.ACKNOWLEDGED && w.startNanos() >= window.injectedNanos()
						&& w.startNanos() <= window.healedNanos() + Duration.ofSeconds(2).toNanos())
				.forEach((w) -> errors.merge("write by " + w.instance() + " to " + ((w.shard() != null) ? w.shard() : "the moving key") + " " + w.outcome() + ": " + shorten(w.error()), 1L,
						Long::sum));
			if (!errors.isEmpty()) {
				out.append("errors during ").append(window.kind().tag()).append(" of ").append(window.nodes()).append(":\n");
				errors.forEach((error, count) -> out.append("    ").append(count).append(" x ").append(error).append('\n'));
			}
		}
		moves.forEach((move) -> out.append(move).append('\n'));
		results.forEach((result) -> out.append(result).append('\n'));
		return out.toString();
	}

}
