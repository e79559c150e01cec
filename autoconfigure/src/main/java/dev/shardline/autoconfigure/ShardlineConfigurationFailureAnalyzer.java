package dev.shardline.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns {@link InvalidShardlineConfigurationException} into a startup report that names each
 * property and its fix.
 */
class ShardlineConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidShardlineConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidShardlineConfigurationException cause) {
		StringBuilder description = new StringBuilder("Shardline's configuration is invalid:\n");
		StringBuilder action = new StringBuilder("Correct these properties:\n");
		for (ConfigurationProblem problem : cause.getProblems()) {
			description.append("\n    ").append(problem.property()).append(": ").append(problem.problem());
			action.append("\n    ").append(problem.property()).append(": ").append(problem.fix());
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
