package dev.shardline.it.web;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.shardline.it.RoutedApplication;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import dev.shardline.test.TopologyNode;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read-your-writes across requests: after POST and redirect, the GET of the same client
 * reads its write from the primary while the replica is 2 s behind; another client, or one
 * presenting a tampered cookie, is served by the replica.
 */
@RealTopology(shards = 1, replicas = 1, fresh = true)
class ConsistencyCookieTests {

	@Test
	void postRedirectGetReadsItsOwnWrite(MySqlTopology topology) throws Exception {
		TopologyNode replica = topology.shard(0).replica(0);
		long primaryId = topology.shard(0).primary().serverId();
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, WebApp.class,
				"spring.main.web-application-type=servlet", "server.port=0", "shardline.routing.read-your-writes=session", "shardline.web.consistency-cookie=true",
				"shardline.web.consistency-cookie-secret=0123456789abcdef-test-secret",
				"shardline.replication.max-lag=30s", "shardline.replication.check-interval=200ms")) {
			replica.setReplicationDelay(Duration.ofSeconds(2));
			try {
				String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
				CookieManager cookies = new CookieManager();
				HttpClient client = HttpClient.newBuilder()
					.cookieHandler(cookies)
					.followRedirects(HttpClient.Redirect.NORMAL)
					.build();
				HttpResponse<String> afterPost = client.send(
						HttpRequest.newBuilder(URI.create(base + "/orders/501")).POST(HttpRequest.BodyPublishers.noBody()).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(afterPost.body()).isEqualTo("1@" + primaryId);
				HttpCookie cookie = cookies.getCookieStore().getCookies().get(0);
				assertThat(cookie.getName()).isEqualTo("shardline-rw");
				assertThat(cookie.getValue().length()).isLessThan(100);

				HttpClient stranger = HttpClient.newHttpClient();
				String other = stranger
					.send(HttpRequest.newBuilder(URI.create(base + "/orders/501")).build(), HttpResponse.BodyHandlers.ofString())
					.body();
				assertThat(other).isEqualTo("0@" + replica.serverId());

				String value = cookie.getValue();
				char last = value.charAt(value.length() - 1);
				String tampered = value.substring(0, value.length() - 1) + ((last == 'A') ? 'B' : 'A');
				String withTampered = stranger.send(HttpRequest.newBuilder(URI.create(base + "/orders/501"))
					.header("Cookie", "shardline-rw=" + tampered)
					.build(), HttpResponse.BodyHandlers.ofString()).body();
				assertThat(withTampered).isEqualTo("0@" + replica.serverId());
			}
			finally {
				replica.setReplicationDelay(Duration.ZERO);
			}
		}
	}


	/**
	 * The scenario that found the replica-status method ending read-your-writes up to a second
	 * early: a client's GET 0 to 1.75 s after its POST, the replica applying 2 s late, sparse
	 * writes. Every GET sees its write.
	 */
	@Test
	void replicaStatusMethodGetAfterPostNeverMissesTheWrite(MySqlTopology topology) throws Exception {
		TopologyNode replica = topology.shard(0).replica(0);
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, WebApp.class,
				"spring.main.web-application-type=servlet", "server.port=0", "shardline.routing.read-your-writes=session",
				"shardline.web.consistency-cookie=true", "shardline.web.consistency-cookie-secret=0123456789abcdef-test-secret",
				"shardline.replication.method=replica-status", "shardline.replication.max-lag=30s",
				"shardline.replication.check-interval=200ms")) {
			replica.setReplicationDelay(Duration.ofSeconds(2));
			try {
				String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
				HttpClient stranger = HttpClient.newHttpClient();
				// The replica serves clients without writes (it is within max-lag).
				await().atMost(Duration.ofSeconds(10)).until(() -> stranger
					.send(HttpRequest.newBuilder(URI.create(base + "/orders/600")).build(), HttpResponse.BodyHandlers.ofString())
					.body()
					.endsWith("@" + replica.serverId()));
				java.util.List<String> misses = new java.util.ArrayList<>();
				long customer = 601;
				for (long waitMillis : new long[] { 0, 250, 500, 750, 1000, 1250, 1500, 1750 }) {
					long id = customer++;
					HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
					HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + id))
						.POST(HttpRequest.BodyPublishers.noBody())
						.build(), HttpResponse.BodyHandlers.ofString());
					assertThat(posted.statusCode()).isEqualTo(303);
					pause(waitMillis);
					String seen = client
						.send(HttpRequest.newBuilder(URI.create(base + "/orders/" + id)).build(), HttpResponse.BodyHandlers.ofString())
						.body();
					if (!seen.startsWith("1@")) {
						misses.add("GET " + waitMillis + " ms after the POST: " + seen);
					}
					// Sparse writes: the next one only after the replica applied this one.
					await().atMost(Duration.ofSeconds(15)).until(() -> RoutedApplication.countOrders(replica, id) == 1);
				}
				assertThat(misses).isEmpty();
			}
			finally {
				replica.setReplicationDelay(Duration.ZERO);
			}
		}
	}

	/** Part of the scenario (a GET a given time after the POST), not a wait for a condition. */
	private static void pause(long millis) {
		long deadline = System.nanoTime() + millis * 1_000_000;
		for (long left = millis * 1_000_000; left > 0; left = deadline - System.nanoTime()) {
			java.util.concurrent.locks.LockSupport.parkNanos(left);
		}
	}

}
