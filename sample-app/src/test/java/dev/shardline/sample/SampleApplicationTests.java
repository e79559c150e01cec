package dev.shardline.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.shardline.routing.ShardRouting;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The sample starts on its embedded default profile (no server), serves health, shows the
 * configured shards, and stores each customer's orders on the customer's shard only.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SampleApplicationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ShardRouting routing;

	private final tools.jackson.databind.json.JsonMapper mapper = tools.jackson.databind.json.JsonMapper.builder().build();

	@Test
	void healthIsUp() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
	}

	@Test
	void showsTheConfiguredShards() throws Exception {
		this.mvc.perform(get("/shards"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].name").value("shard-0"))
			.andExpect(jsonPath("$[1].name").value("shard-1"))
			.andExpect(jsonPath("$[0].primary").value("jdbc:h2:mem:shard0;MODE=MySQL;DB_CLOSE_DELAY=-1"));
	}

	@Test
	void ordersLandOnTheirCustomersShardOnly() throws Exception {
		// Find one customer per shard, so both shards are exercised.
		long onShard0 = firstCustomerOn("shard-0");
		long onShard1 = firstCustomerOn("shard-1");
		for (long customer : new long[] { onShard0, onShard1 }) {
			String shard = this.routing.shardFor(customer);
			this.mvc.perform(post("/customers/" + customer + "/orders").param("amountCents", "1250"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.shard").value(shard));
			this.mvc.perform(get("/customers/" + customer + "/orders"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.orders[0].amountCents").value(1250));
			String other = shard.equals("shard-0") ? "shard1" : "shard0";
			assertThat(countOrders(shard.replace("-", ""), customer)).isEqualTo(1);
			assertThat(countOrders(other, customer)).isZero();
		}
	}

	@Test
	void revenueReportSumsEveryShardAndOrdersAreFoundByTheirId() throws Exception {
		long onShard0 = firstCustomerOn("shard-0", 3_000);
		long onShard1 = firstCustomerOn("shard-1", 3_000);
		long before = this.mapper.readTree(this.mvc.perform(get("/reports/revenue")).andReturn().getResponse().getContentAsString())
			.path("totalCents")
			.asLong();
		String placed = this.mvc.perform(post("/customers/" + onShard0 + "/orders").param("amountCents", "700"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		this.mvc.perform(post("/customers/" + onShard1 + "/orders").param("amountCents", "300"));
		this.mvc.perform(get("/reports/revenue"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.totalCents").value(before + 1000))
			.andExpect(jsonPath("$.perShard['shard-0']").exists())
			.andExpect(jsonPath("$.perShard['shard-1']").exists());
		long orderId = this.mapper.readTree(placed).path("order").path("id").asLong();
		this.mvc.perform(get("/orders/" + orderId))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[0].amountCents").value(700));
	}

	@Test
	void onEmbeddedH2AMoveIsRefusedClearlyAndChangesNothing() throws Exception {
		// Moves fence the source with MySQL/MariaDB triggers: H2 shards cannot move keys.
		long customer = firstCustomerOn("shard-0", 5_000);
		this.mvc.perform(post("/customers/" + customer + "/orders").param("amountCents", "111"));
		this.mvc.perform(post("/admin/customers/" + customer + "/move").param("shard", "shard-1"))
			.andExpect(status().isUnprocessableContent())
			.andExpect(jsonPath("$.outcome").value("refused"))
			.andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.allOf(
					org.hamcrest.Matchers.containsString("need MySQL or MariaDB"),
					org.hamcrest.Matchers.containsString("shard-0 runs on H2"),
					org.hamcrest.Matchers.containsString("--spring.profiles.active=topology"))))
			.andExpect(jsonPath("$.recentMoves").isArray());
		// Nothing was marked: the customer stays on its shard and takes writes.
		this.mvc.perform(get("/admin/customers/" + customer))
			.andExpect(jsonPath("$.shard").value("shard-0"))
			.andExpect(jsonPath("$.directoryEntry").doesNotExist());
		this.mvc.perform(post("/customers/" + customer + "/orders").param("amountCents", "222"))
			.andExpect(status().isOk());
		assertThat(countOrders("shard0", customer)).isEqualTo(2);
		assertThat(countOrders("shard1", customer)).isZero();
	}

	@Test
	void aMoveToAnUnknownShardIsABadRequest() throws Exception {
		this.mvc.perform(post("/admin/customers/5/move").param("shard", "shard-9"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.message").value(org.hamcrest.Matchers.containsString("Unknown shard 'shard-9'")));
	}

	private long firstCustomerOn(String shard) {
		return firstCustomerOn(shard, 1_000);
	}

	private long firstCustomerOn(String shard, long from) {
		for (long customer = from; customer < from + 1_000; customer++) {
			if (this.routing.shardFor(customer).equals(shard)) {
				return customer;
			}
		}
		throw new AssertionError("no customer from " + from + " on routes to " + shard);
	}

	private static int countOrders(String database, long customer) throws Exception {
		try (Connection connection = DriverManager
			.getConnection("jdbc:h2:mem:" + database + ";MODE=MySQL;DB_CLOSE_DELAY=-1", "sa", "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE customer_id = " + customer)) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
