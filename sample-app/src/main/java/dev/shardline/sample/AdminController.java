package dev.shardline.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.routing.ShardRouting;
import dev.shardline.scatter.ShardTemplate;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cross-shard reporting (scatter-gather) and directory operations: where a customer lives,
 * pinning it, and moving it to another shard while the shop keeps running.
 */
@RestController
public class AdminController {

	private final ShardTemplate shards;

	private final JdbcTemplate jdbc;

	private final ShardDirectory directory;

	private final KeyMover mover;

	private final ShardRouting routing;

	public AdminController(ShardTemplate shards, JdbcTemplate jdbc, ShardDirectory directory, KeyMover mover,
			ShardRouting routing) {
		this.shards = shards;
		this.jdbc = jdbc;
		this.directory = directory;
		this.mover = mover;
		this.routing = routing;
	}

	/** Revenue over every shard, in parallel, read from replicas where there are some. */
	@GetMapping("/reports/revenue")
	public Map<String, Object> revenue() {
		ShardTemplate readOnly = this.shards.readOnly();
		Map<String, Long> perShard = readOnly
			.scatter((shard) -> this.jdbc.queryForObject("SELECT COALESCE(SUM(amount_cents), 0) FROM orders", Long.class))
			.value();
		List<Order> largest = readOnly.top(3, (a, b) -> Long.compare(b.amountCents(), a.amountCents()),
				(shard) -> this.jdbc.query(
						"SELECT id, customer_id, amount_cents, created_at FROM orders ORDER BY amount_cents DESC LIMIT 3",
						(rs, row) -> new Order(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant())))
			.value();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("totalCents", perShard.values().stream().mapToLong(Long::longValue).sum());
		result.put("perShard", perShard);
		result.put("largestOrders", largest);
		return result;
	}

	/** Where a customer lives: its directory entry (if any) and the shard its work goes to. */
	@GetMapping("/admin/customers/{customerId}")
	public Map<String, Object> where(@PathVariable long customerId) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("shard", this.routing.shardFor(customerId));
		result.put("directoryEntry", this.directory.entry(customerId).orElse(null));
		return result;
	}

	/** Pins a customer to a shard (new customers; existing rows are not moved: use move). */
	@PostMapping("/admin/customers/{customerId}/pin")
	public DirectoryEntry pin(@PathVariable long customerId, @RequestParam String shard) {
		return this.directory.pin(customerId, shard);
	}

	/** Moves a customer and all its orders to another shard, online. */
	@PostMapping("/admin/customers/{customerId}/move")
	public KeyMover.MoveReport move(@PathVariable long customerId, @RequestParam String shard) {
		return this.mover.move(customerId, shard);
	}

}
