package dev.shardline.it.jdbc;

import java.util.concurrent.CompletableFuture;

import dev.shardline.routing.RoutingContext;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;

/** Work handed to @Async: it must run on the caller's route, and leave no route behind. */
public class AsyncWork {

	private final JdbcTemplate jdbc;

	public AsyncWork(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Unannotated async work: inherits the caller's route. Answers "serverId@shard". */
	@Async
	public CompletableFuture<String> serverIdAndShard() {
		long id = this.jdbc.queryForObject("SELECT @@server_id", Long.class);
		return CompletableFuture.completedFuture(id + "@" + RoutingContext.currentShard());
	}

}
