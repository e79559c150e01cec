package dev.shardline.sample;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.shardline.ShardlineException;
import dev.shardline.directory.DirectoryEntry;
import dev.shardline.directory.KeyMover;
import dev.shardline.directory.MoveFailedException;
import dev.shardline.directory.MoveHistory;
import dev.shardline.directory.ShardDirectory;
import dev.shardline.move.MoveRefusedException;
import dev.shardline.routing.ShardRouting;
import dev.shardline.scatter.ShardTemplate;
import dev.shardline.topology.Shard;
import dev.shardline.topology.Topology;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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

	private final Topology topology;

	public AdminController(ShardTemplate shards, JdbcTemplate jdbc, ShardDirectory directory, KeyMover mover,
			ShardRouting routing, Topology topology) {
		this.shards = shards;
		this.jdbc = jdbc;
		this.directory = directory;
		this.mover = mover;
		this.routing = routing;
		this.topology = topology;
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

	/**
	 * Moves a customer and all its orders to another shard, online, and shows the outcome: rows
	 * copied, how long the customer's writes were refused, how long the move took, and this
	 * instance's recent moves. 200 when moved; 422 when the move was refused before anything
	 * changed (a table that cannot be moved safely, or shards that are not MySQL/MariaDB); 409
	 * when it failed and was rolled back (or its rollback is pending) or the customer is already
	 * being moved; 400 for an unknown shard.
	 */
	@PostMapping("/admin/customers/{customerId}/move")
	public ResponseEntity<Map<String, Object>> move(@PathVariable long customerId, @RequestParam String shard) {
		if (this.topology.shard(shard) == null) {
			return outcome(HttpStatus.BAD_REQUEST, "refused", "Unknown shard '" + shard + "': configured shards are "
					+ this.topology.shards().stream().map(Shard::name).toList(), null);
		}
		String unsupported = unsupportedServer(this.routing.shardFor(customerId), shard);
		if (unsupported != null) {
			return outcome(HttpStatus.UNPROCESSABLE_CONTENT, "refused", unsupported, null);
		}
		try {
			KeyMover.MoveReport report = this.mover.move(customerId, shard);
			return outcome(HttpStatus.OK, "moved", null, report);
		}
		catch (MoveRefusedException ex) {
			return outcome(HttpStatus.UNPROCESSABLE_CONTENT, "refused", ex.getMessage(), null);
		}
		catch (MoveFailedException ex) {
			// The history says whether the key is writable on its source again or its rollback is pending.
			String outcome = this.mover.history()
				.recent()
				.stream()
				.findFirst()
				.filter((record) -> record.outcome() == MoveHistory.Outcome.ROLLED_BACK)
				.map((record) -> record.outcome().tag())
				.orElse(MoveHistory.Outcome.FAILED.tag());
			return outcome(HttpStatus.CONFLICT, outcome, ex.getMessage(), null);
		}
		catch (ShardlineException ex) {
			// Already being moved, or changed while the move started: nothing was changed by this call.
			return outcome(HttpStatus.CONFLICT, "not-started", ex.getMessage(), null);
		}
	}

	/** This instance's recent moves, newest first. */
	@GetMapping("/admin/moves")
	public List<Map<String, Object>> recentMoves() {
		return this.mover.history().recent().stream().map(AdminController::describe).toList();
	}

	private ResponseEntity<Map<String, Object>> outcome(HttpStatus status, String outcome, String message,
			KeyMover.MoveReport report) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("outcome", outcome);
		if (report != null) {
			body.put("key", report.key());
			body.put("from", report.from());
			body.put("to", report.to());
			body.put("rows", report.rows());
			body.put("rowsPerTable", report.copiedRows());
			body.put("writePauseMs", report.writePause().toMillis());
			body.put("durationMs", report.duration().toMillis());
		}
		if (message != null) {
			body.put("message", message);
		}
		body.put("recentMoves", recentMoves());
		return ResponseEntity.status(status).body(body);
	}

	private static Map<String, Object> describe(MoveHistory.Record record) {
		Map<String, Object> move = new LinkedHashMap<>();
		move.put("key", record.key());
		move.put("from", record.from());
		move.put("to", record.to());
		move.put("outcome", record.outcome().tag());
		move.put("rows", record.rows());
		move.put("writePauseMs", record.writePause().toMillis());
		move.put("durationMs", record.duration().toMillis());
		move.put("detail", record.detail());
		move.put("at", record.at().toString());
		return move;
	}

	/**
	 * Why the shards cannot take part in a move, or null when they can: moves fence the source
	 * with MySQL/MariaDB triggers, so the sample's embedded H2 shards cannot move keys.
	 */
	private String unsupportedServer(String... shards) {
		for (String name : shards) {
			try (Connection connection = this.topology.shard(name).currentPrimary().dataSource().getConnection()) {
				String product = connection.getMetaData().getDatabaseProductName();
				if (!product.toLowerCase(Locale.ROOT).contains("mysql")
						&& !product.toLowerCase(Locale.ROOT).contains("mariadb")) {
					return "Key moves need MySQL or MariaDB shards (the move fences the source with triggers); " + name
							+ " runs on " + product + ". Nothing was changed. Run the sample on a real topology:"
							+ " --spring.profiles.active=topology";
				}
			}
			catch (SQLException ex) {
				return "Cannot reach " + name + "'s primary to move the customer (" + ex.getMessage()
						+ "). Nothing was changed.";
			}
		}
		return null;
	}

}
