package dev.shardline.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.routing.ShardRouting;
import dev.shardline.topology.Shard;
import dev.shardline.topology.ShardNode;
import dev.shardline.topology.Topology;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's HTTP API: the configured shards, and orders per customer.
 */
@RestController
public class ShopController {

	private final OrderService orders;

	private final Topology topology;

	private final ShardRouting routing;

	public ShopController(OrderService orders, Topology topology, ShardRouting routing) {
		this.orders = orders;
		this.topology = topology;
		this.routing = routing;
	}

	/** The configured shards with their nodes (urls without credentials). */
	@GetMapping("/shards")
	public List<Map<String, Object>> shards() {
		return this.topology.shards().stream().map(ShopController::describe).toList();
	}

	private static Map<String, Object> describe(Shard shard) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("name", shard.name());
		result.put("primary", shard.primary().url());
		result.put("replicas", shard.replicas().stream().map(ShardNode::url).toList());
		return result;
	}

	/** Places an order; answers with the order and the shard it went to. */
	@PostMapping("/customers/{customerId}/orders")
	public Map<String, Object> placeOrder(@PathVariable long customerId, @RequestParam long amountCents) {
		Order order = this.orders.placeOrder(customerId, amountCents);
		return Map.of("order", order, "shard", this.routing.shardFor(customerId));
	}

	/** One order by its ID (the ID carries its shard). */
	@GetMapping("/orders/{orderId}")
	public List<Order> order(@PathVariable long orderId) {
		return this.orders.order(orderId);
	}

	/** A customer's orders and the shard that holds them. */
	@GetMapping("/customers/{customerId}/orders")
	public Map<String, Object> ordersOf(@PathVariable long customerId) {
		return Map.of("orders", this.orders.ordersOf(customerId), "shard", this.routing.shardFor(customerId));
	}

}
