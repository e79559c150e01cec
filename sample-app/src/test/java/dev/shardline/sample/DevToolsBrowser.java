package dev.shardline.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A headless chromium driven over the DevTools protocol, so a test can ask the page itself how
 * long after navigation something became visible ({@code performance.now()} is measured from
 * the navigation's start, by the browser).
 */
final class DevToolsBrowser implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

	private final Process process;

	private final Path profile;

	private final WebSocket socket;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	private DevToolsBrowser(Process process, Path profile, WebSocket socket) {
		this.process = process;
		this.profile = profile;
		this.socket = socket;
	}

	/** Starts chromium on a blank page and attaches to that page. */
	static DevToolsBrowser start() throws Exception {
		Path profile = Files.createTempDirectory("shardline-chromium");
		Process process = new ProcessBuilder(List.of(DashboardBrowserTests.chromium(), "--headless", "--no-sandbox",
				"--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
				"--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"))
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		try {
			String browserUrl = listeningUrl(process);
			URI browser = URI.create(browserUrl);
			HttpClient http = HttpClient.newHttpClient();
			String pages = http
				.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			String pageUrl = null;
			for (JsonNode target : JSON.readTree(pages)) {
				if ("page".equals(target.path("type").asText())) {
					pageUrl = target.path("webSocketDebuggerUrl").asText();
				}
			}
			if (pageUrl == null) {
				throw new IllegalStateException("chromium offers no page target: " + pages);
			}
			DevToolsBrowser[] self = new DevToolsBrowser[1];
			StringBuilder buffer = new StringBuilder();
			WebSocket socket = http.newWebSocketBuilder()
				.buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						buffer.append(data);
						if (last) {
							JsonNode message = JSON.readTree(buffer.toString());
							buffer.setLength(0);
							if (message.has("id") && self[0] != null) {
								CompletableFuture<JsonNode> reply = self[0].pending.remove(message.path("id").asInt());
								if (reply != null) {
									reply.complete(message);
								}
							}
						}
						webSocket.request(1);
						return null;
					}
				})
				.get(10, TimeUnit.SECONDS);
			self[0] = new DevToolsBrowser(process, profile, socket);
			return self[0];
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	private static String listeningUrl(Process process) throws IOException {
		BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String line;
		while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
			Matcher matcher = LISTENING.matcher(line);
			if (matcher.find()) {
				// keep draining stderr so chromium never blocks on a full pipe
				Thread drain = new Thread(() -> {
					try {
						err.transferTo(java.io.Writer.nullWriter());
					}
					catch (IOException ex) {
						// chromium exited
					}
				}, "chromium-stderr");
				drain.setDaemon(true);
				drain.start();
				return matcher.group(1);
			}
		}
		throw new IllegalStateException("chromium did not report its DevTools address");
	}

	/** Sends one command and waits for its reply. */
	JsonNode send(String method, Map<String, Object> params) throws Exception {
		int id = this.ids.incrementAndGet();
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.pending.put(id, reply);
		this.socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
			.get(10, TimeUnit.SECONDS);
		JsonNode message = reply.get(30, TimeUnit.SECONDS);
		if (message.has("error")) {
			throw new IllegalStateException(method + " failed: " + message.path("error"));
		}
		return message.path("result");
	}

	/** Navigates the page (returns once the navigation has started). */
	void navigate(String url) throws Exception {
		send("Page.navigate", Map.of("url", url));
	}

	/** Evaluates a JavaScript expression in the page and returns its value as JSON. */
	JsonNode evaluate(String expression) throws Exception {
		return send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true)).path("result")
			.path("value");
	}

	/**
	 * Navigates to {@code url} and polls the page until {@code count} (a JavaScript expression)
	 * reaches {@code expected}.
	 * @return milliseconds from the start of the navigation to the first poll that saw it, as
	 * the page measured it; empty when it did not happen within {@code timeout}
	 */
	java.util.OptionalDouble millisUntil(String url, String count, int expected, Duration timeout) throws Exception {
		navigate(url);
		String probe = "JSON.stringify({href: location.href, t: performance.now(), n: (" + count + ")})";
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode value = JSON.readTree(evaluate(probe).asText());
			if (value.path("href").asText().equals(url) && value.path("n").asInt() >= expected) {
				return java.util.OptionalDouble.of(value.path("t").asDouble());
			}
			Thread.sleep(20);
		}
		return java.util.OptionalDouble.empty();
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.socket.abort();
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		try (var files = Files.walk(this.profile)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
	}

}
