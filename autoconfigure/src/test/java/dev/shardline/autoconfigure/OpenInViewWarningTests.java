package dev.shardline.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class OpenInViewWarningTests {

	@Test
	void warnsWithMoreThanOneShardWhileOpenInViewIsOn(CapturedOutput output) {
		new OpenInViewWarning(new MockEnvironment(), 2).afterSingletonsInstantiated();
		assertThat(output).contains("spring.jpa.open-in-view is enabled with 2 Shardline shards")
			.contains("Set spring.jpa.open-in-view=false");
	}

	@Test
	void silentWhenOffOrWithOneShard(CapturedOutput output) {
		new OpenInViewWarning(new MockEnvironment().withProperty("spring.jpa.open-in-view", "false"), 2)
			.afterSingletonsInstantiated();
		new OpenInViewWarning(new MockEnvironment(), 1).afterSingletonsInstantiated();
		assertThat(output).doesNotContain("open-in-view");
	}

}
