package dev.shardline.autoconfigure;

import dev.shardline.routing.ShardRouting;
import dev.shardline.strategy.RangeShardingStrategy;
import dev.shardline.strategy.RingShardingStrategy;
import dev.shardline.strategy.ShardKeyConverter;
import dev.shardline.strategy.ShardingStrategy;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** The strategy SPI: the configured strategy, a user's own strategy bean, and key converters. */
class StrategyPluggingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardlineAutoConfiguration.class))
		.withPropertyValues("shardline.shards.eu.primary.url=jdbc:h2:mem:plug-eu",
				"shardline.shards.us.primary.url=jdbc:h2:mem:plug-us");

	@Test
	void ringByDefaultRangeWhenConfigured() {
		this.runner.run((context) -> assertThat(context.getBean(ShardingStrategy.class))
			.isInstanceOf(RingShardingStrategy.class));
		this.runner
			.withPropertyValues("shardline.strategy=range", "shardline.range[0].from=A", "shardline.range[0].to=M",
					"shardline.range[0].shard=eu", "shardline.range[1].from=M", "shardline.range[1].shard=us")
			.run((context) -> {
				assertThat(context.getBean(ShardingStrategy.class)).isInstanceOf(RangeShardingStrategy.class);
				ShardRouting routing = context.getBean(ShardRouting.class);
				assertThat(routing.shardFor("DE")).isEqualTo("eu");
				assertThat(routing.shardFor("US")).isEqualTo("us");
			});
	}

	@Test
	void aStrategyBeanReplacesTheConfiguredOne() {
		this.runner.withBean(ShardingStrategy.class, () -> (key) -> key.toString().startsWith("u") ? "us" : "eu")
			.run((context) -> {
				ShardRouting routing = context.getBean(ShardRouting.class);
				assertThat(routing.shardFor("user")).isEqualTo("us");
				assertThat(routing.shardFor("emma")).isEqualTo("eu");
			});
	}

	@Test
	void convertersTurnApplicationKeysIntoSupportedOnes() {
		this.runner.withBean(ShardKeyConverter.class, CustomerIdConverter::new).run((context) -> {
			ShardRouting routing = context.getBean(ShardRouting.class);
			for (long id = 0; id < 100; id++) {
				assertThat(routing.shardFor(new CustomerId(id))).isEqualTo(routing.shardFor(id));
			}
		});
	}

	@Test
	void unsupportedKeysFailClearly() {
		this.runner.run((context) -> {
			ShardRouting routing = context.getBean(ShardRouting.class);
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> routing.shardFor(new CustomerId(1)))
				.hasMessageContaining("CustomerId")
				.hasMessageContaining("converter");
		});
	}

	record CustomerId(long value) {
	}

	static class CustomerIdConverter implements ShardKeyConverter {

		@Override
		public boolean supports(Class<?> keyType) {
			return keyType == CustomerId.class;
		}

		@Override
		public Object convert(Object key) {
			return ((CustomerId) key).value();
		}

	}

}
