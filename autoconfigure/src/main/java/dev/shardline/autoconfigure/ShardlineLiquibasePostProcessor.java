package dev.shardline.autoconfigure;

import java.util.List;

import dev.shardline.ShardlineException;
import dev.shardline.routing.ShardRouting;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Runs Liquibase's change sets on every shard's primary: Boot's own run (on the default
 * shard) happens when the bean initializes; this repeats it on each other shard right after.
 */
class ShardlineLiquibasePostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ShardRouting> routing;

	private final ObjectProvider<ShardlineProperties> properties;

	ShardlineLiquibasePostProcessor(ObjectProvider<ShardRouting> routing,
			ObjectProvider<ShardlineProperties> properties) {
		this.routing = routing;
		this.properties = properties;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase) {
			ShardlineProperties properties = this.properties.getObject();
			if (properties.getSchema().isAllShards()) {
				String defaultShard = properties.effectiveDefaultShard();
				List<String> others = properties.getShards().keySet().stream().filter((s) -> !s.equals(defaultShard)).toList();
				for (String shard : others) {
					this.routing.getObject().onShardNamed(shard).run(() -> migrate(liquibase, shard));
				}
			}
		}
		return bean;
	}

	private static void migrate(SpringLiquibase liquibase, String shard) {
		try {
			liquibase.afterPropertiesSet();
		}
		catch (Exception ex) {
			throw new ShardlineException("Liquibase failed on shard '" + shard + "': " + ex.getMessage(), ex);
		}
	}

}
