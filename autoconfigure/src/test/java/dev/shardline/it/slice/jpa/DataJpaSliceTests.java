package dev.shardline.it.slice.jpa;

import dev.shardline.it.slice.SliceTopology;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Boot's @DataJpaTest slice routes repository calls through Shardline. */
@DataJpaTest(properties = "spring.jpa.hibernate.ddl-auto=none")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class DataJpaSliceTests {

	@DynamicPropertySource
	static void topology(DynamicPropertyRegistry registry) {
		SliceTopology.register(registry);
	}

	@Autowired
	SliceOrderRepository repository;

	@Test
	void repositoryCallsRouteByKey() {
		long customer = SliceTopology.customerOn("shard-1");
		assertThat(this.repository.serverId(customer).longValue()).isEqualTo(SliceTopology.serverId("shard-1", false));
	}

}
