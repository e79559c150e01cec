package dev.shardline.it.jdbc;

import org.springframework.jdbc.core.JdbcTemplate;

/** Implements {@link RoutedStore} without repeating its annotations. */
public class InterfaceRoutedStore implements RoutedStore {

	private final JdbcTemplate jdbc;

	public InterfaceRoutedStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public long serverIdForRead(long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

	@Override
	public long serverIdForWrite(long customerId) {
		return this.jdbc.queryForObject("SELECT @@server_id", Long.class);
	}

}
