package dev.shardline.it.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.shardline.test.MySqlTopology;
import dev.shardline.test.TopologyShard;

/**
 * Advances one shard's clock row on its primary, straight over JDBC (not through Shardline),
 * and records each acknowledged value with the time it was acknowledged: the yardstick reads
 * measure their staleness against. Bounded: connect and socket timeouts of 1 s, so a frozen
 * primary delays ticks but never hangs the ticker.
 */
final class ClockTicker implements Runnable {

	private final MySqlTopology topology;

	private final TopologyShard shard;

	private final ChaosRecorder recorder;

	private final Duration every;

	private final BooleanSupplier running;

	private Connection connection;

	ClockTicker(MySqlTopology topology, TopologyShard shard, ChaosRecorder recorder, Duration every,
			BooleanSupplier running) {
		this.topology = topology;
		this.shard = shard;
		this.recorder = recorder;
		this.every = every;
		this.running = running;
	}

	@Override
	public void run() {
		long seq = 0;
		while (this.running.getAsBoolean()) {
			seq++;
			try {
				if (this.connection == null) {
					this.connection = DriverManager.getConnection(
							this.shard.primary().jdbcUrl() + "?connectTimeout=1000&socketTimeout=1000",
							this.topology.appUser(), this.topology.appPassword());
				}
				try (PreparedStatement update = this.connection
					.prepareStatement("UPDATE chaos_clock SET seq = ? WHERE id = 1")) {
					update.setLong(1, seq);
					update.executeUpdate();
				}
				this.recorder.tick(new ChaosRecording.Tick(this.shard.name(), seq, System.nanoTime()));
			}
			catch (SQLException ex) {
				close();
			}
			// pacing of the load, not a wait for a condition
			LockSupport.parkNanos(this.every.toNanos());
		}
		close();
	}

	private void close() {
		if (this.connection != null) {
			try {
				this.connection.close();
			}
			catch (SQLException ex) {
				// a broken connection: nothing to do
			}
			this.connection = null;
		}
	}

}
