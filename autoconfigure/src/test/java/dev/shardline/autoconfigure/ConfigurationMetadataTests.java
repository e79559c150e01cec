package dev.shardline.autoconfigure;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** IDE metadata for shardline.* is generated from the Javadoc'd properties. */
class ConfigurationMetadataTests {

	@Test
	void metadataDescribesTheProperties() throws Exception {
		String json;
		try (InputStream in = getClass().getClassLoader()
			.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata on the classpath").isNotNull();
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(json).contains("\"name\": \"shardline.routing.missing-key\"")
			.contains("\"name\": \"shardline.default-shard\"")
			.contains("\"name\": \"shardline.ring.virtual-nodes\"")
			.contains("\"name\": \"shardline.schema.all-shards\"")
			.contains("counts as {@code @ReadOnly}")
			.contains("What happens when a {@code @ShardKey} argument is null.");
	}

}
