package dev.shardline.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when any {@code shardline.*} property is set (in any relaxed form): without one,
 * Shardline stays out of the way entirely. It also stays out when the application excluded
 * Boot's {@code DataSourceAutoConfiguration} (how a Boot application says "no auto-configured
 * DataSource", e.g. a test application without a database), unless {@code shardline.enabled}
 * is set to {@code true} explicitly.
 */
class OnShardlineConfiguredCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName SHARDLINE = ConfigurationPropertyName.of("shardline");

	/** By name: the condition must not load the class it asks about. */
	static final String DATA_SOURCE_AUTO_CONFIGURATION = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean configured = false;
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(SHARDLINE) == ConfigurationPropertyState.PRESENT) {
				configured = true;
				break;
			}
		}
		if (!configured) {
			return ConditionOutcome.noMatch("no shardline.* property is set");
		}
		if (dataSourceAutoConfigurationExcluded(context)
				&& !Binder.get(context.getEnvironment()).bind("shardline.enabled", Boolean.class).orElse(false)) {
			return ConditionOutcome.noMatch(DATA_SOURCE_AUTO_CONFIGURATION
					+ " is excluded and shardline.enabled is not set to true");
		}
		return ConditionOutcome.match("a shardline.* property is set");
	}

	/**
	 * Whether the auto-configuration import excluded Boot's DataSource auto-configuration, by
	 * annotation ({@code exclude}, {@code excludeName}) or {@code spring.autoconfigure.exclude}:
	 * the import records its exclusions in the condition evaluation report before any
	 * auto-configuration's conditions are evaluated.
	 */
	private static boolean dataSourceAutoConfigurationExcluded(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null) {
			return false;
		}
		return ConditionEvaluationReport.get(beanFactory).getExclusions().contains(DATA_SOURCE_AUTO_CONFIGURATION);
	}

}
