package dev.shardline.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when any {@code shardline.*} property is set (in any relaxed form): without one,
 * Shardline stays out of the way entirely.
 */
class OnShardlineConfiguredCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName SHARDLINE = ConfigurationPropertyName.of("shardline");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(SHARDLINE) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("a shardline.* property is set");
			}
		}
		return ConditionOutcome.noMatch("no shardline.* property is set");
	}

}
