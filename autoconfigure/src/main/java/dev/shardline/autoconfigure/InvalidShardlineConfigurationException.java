package dev.shardline.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import dev.shardline.ShardlineException;

/**
 * Startup failure for invalid {@code shardline.*} properties; lists every problem with its
 * property path and fix. Shown by {@link ShardlineConfigurationFailureAnalyzer}.
 */
public class InvalidShardlineConfigurationException extends ShardlineException {

	private static final long serialVersionUID = 1L;

	private final transient List<ConfigurationProblem> problems;

	public InvalidShardlineConfigurationException(List<ConfigurationProblem> problems) {
		super("Invalid Shardline configuration: " + problems.stream()
			.map((problem) -> problem.property() + ": " + problem.problem())
			.collect(Collectors.joining("; ")));
		this.problems = List.copyOf(problems);
	}

	/** Every problem found. */
	public List<ConfigurationProblem> getProblems() {
		return this.problems;
	}

}
