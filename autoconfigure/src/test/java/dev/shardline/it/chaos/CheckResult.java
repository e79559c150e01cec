package dev.shardline.it.chaos;

import java.util.List;

/**
 * The verdict of one check of a chaos run.
 *
 * @param name the check's name
 * @param violations what broke it (the first few, then a count); empty when it passed
 * @param figures what was measured, for the report
 */
record CheckResult(String name, List<String> violations, String figures) {

	private static final int SHOWN = 8;

	static CheckResult of(String name, List<String> violations, String figures) {
		List<String> shown = violations;
		if (violations.size() > SHOWN) {
			shown = new java.util.ArrayList<>(violations.subList(0, SHOWN));
			shown.add("... and " + (violations.size() - SHOWN) + " more");
		}
		return new CheckResult(name, List.copyOf(shown), figures);
	}

	boolean passed() {
		return this.violations.isEmpty();
	}

	@Override
	public String toString() {
		return (passed() ? "PASS " : "FAIL ") + this.name + " (" + this.figures + ")"
				+ (passed() ? "" : "\n      " + String.join("\n      ", this.violations));
	}

}
