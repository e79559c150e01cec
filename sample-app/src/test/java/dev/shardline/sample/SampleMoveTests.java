package dev.shardline.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's move endpoint on a real MariaDB topology ({@code topology} profile): a customer
 * moves with its orders, and the response shows the outcome, rows, write pause, duration and the
 * recent moves; a second move of the same customer goes back; a move to the shard it is on
 * reports no pause.
 */
@RealTopology(shards = 2, replicas = 1, fresh = true)
class SampleMoveTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aCustomerMovesWithItsOrdersAndTheResponseShowsOutcomeRowsAndPause(MySqlTopology topology) throws Exception {
		Map<String, Object> properties = new LinkedHashMap<>(topology.shardlineProperties());
		properties.put("server.port", "0");
		properties.put("shardline.replication.check-interval", "250ms");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("topology")
			.properties(properties)
			.run()) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			ShardRouting routing = context.getBean(ShardRouting.class);
			long customer = 7_000;
			while (!routing.shardFor(customer).equals("shard-0")) {
				customer++;
			}
			for (int amount : new int[] { 111, 222, 333 }) {
				assertThat(send(base + "/customers/" + customer + "/orders?amountCents=" + amount).statusCode())
					.isEqualTo(200);
			}

			HttpResponse<String> moved = send(base + "/admin/customers/" + customer + "/move?shard=shard-1");
			assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
			JsonNode body = this.json.readTree(moved.body());
			assertThat(body.path("outcome").asString()).isEqualTo("moved");
			assertThat(body.path("from").asString()).isEqualTo("shard-0");
			assertThat(body.path("to").asString()).isEqualTo("shard-1");
			// The customer row and its three orders (the sample creates the customer on its first order).
			assertThat(body.path("rowsPerTable").path("orders").asInt()).isEqualTo(3);
			assertThat(body.path("rows").asLong()).isEqualTo(3 + body.path("rowsPerTable").path("customers").asInt());
			assertThat(body.path("writePauseMs").asLong()).isPositive()
				.isLessThanOrEqualTo(body.path("durationMs").asLong());
			JsonNode last = body.path("recentMoves").path(0);
			assertThat(last.path("key").asString()).isEqualTo("l:" + customer);
			assertThat(last.path("outcome").asString()).isEqualTo("moved");
			assertThat(last.path("writePauseMs").asLong()).isEqualTo(body.path("writePauseMs").asLong());

			assertThat(countOrders(topology.shard(1).primary(), customer)).isEqualTo(3);
			assertThat(countOrders(topology.shard(0).primary(), customer)).isZero();
			HttpResponse<String> orders = get(base + "/customers/" + customer + "/orders");
			assertThat(this.json.readTree(orders.body()).path("shard").asString()).isEqualTo("shard-1");

			HttpResponse<String> again = send(base + "/admin/customers/" + customer + "/move?shard=shard-1");
			assertThat(again.statusCode()).isEqualTo(200);
			assertThat(this.json.readTree(again.body()).path("writePauseMs").asLong()).as("already there").isZero();

			HttpResponse<String> back = send(base + "/admin/customers/" + customer + "/move?shard=shard-0");
			assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
			assertThat(this.json.readTree(back.body()).path("recentMoves").size()).isEqualTo(2);
			assertThat(this.json.readTree(get(base + "/admin/moves").body()).path(0).path("to").asString())
				.isEqualTo("shard-0");
			assertThat(countOrders(topology.shard(0).primary(), customer)).isEqualTo(3);
			assertThat(countOrders(topology.shard(1).primary(), customer)).isZero();
		}
	}

	private HttpResponse<String> send(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static int countOrders(TopologyNode node, long customer) throws Exception {
		try (Connection connection = node.openConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE customer_id = " + customer)) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
