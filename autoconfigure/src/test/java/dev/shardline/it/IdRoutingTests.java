package dev.shardline.it;

import java.util.List;

import dev.shardline.id.ShardlineIds;
import dev.shardline.it.jdbc.JdbcApp;
import dev.shardline.it.jdbc.LedgerStore;
import dev.shardline.routing.ShardRouting;
import dev.shardline.test.MySqlTopology;
import dev.shardline.test.RealTopology;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.shardline.it.RoutedApplication.ownerOf;
import static dev.shardline.it.RoutedApplication.shard;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shardline IDs route by their own bits: an ID minted on a shard goes to that shard even where
 * the ring would place the same number elsewhere.
 */
@RealTopology(shards = 2, replicas = 1)
class IdRoutingTests {

	@Test
	void anIdRoutesToTheShardThatMintedIt(MySqlTopology topology) {
		try (ConfigurableApplicationContext context = RoutedApplication.start(topology, JdbcApp.class)) {
			ShardlineIds ids = context.getBean(ShardlineIds.class);
			LedgerStore ledger = context.getBean(LedgerStore.class);
			long customer = 400_000_000 + (System.nanoTime() % 1000) * 1000;
			int disagreeingWithRing = 0;
			for (String minted : List.of("shard-0", "shard-1")) {
				for (int i = 0; i < 20; i++) {
					long id = ids.nextOn(minted);
					assertThat(ids.shardOf(id)).isEqualTo(minted);
					if (!ownerOf(topology, id).equals(minted)) {
						disagreeingWithRing++;
					}
					ledger.addWithId(id, customer);
					assertThat(Ledgers.hasId(shard(topology, minted).primary(), id)).as("id %d on %s", id, minted).isTrue();
				}
			}
			assertThat(disagreeingWithRing).as("IDs whose ring owner differs (so the bits decided)").isPositive();
			// An ID minted for a key's shard routes with the key's data; the programmatic API agrees.
			long forCustomer = ids.nextFor(customer);
			assertThat(ids.shardOf(forCustomer)).isEqualTo(context.getBean(ShardRouting.class).shardFor(customer));
			long serverId = context.getBean(ShardRouting.class)
				.onShardlineId(forCustomer)
				.get(() -> context.getBean(org.springframework.jdbc.core.JdbcTemplate.class)
					.queryForObject("SELECT @@server_id", Long.class));
			assertThat(serverId).isEqualTo(shard(topology, ids.shardOf(forCustomer)).primary().serverId());
		}
	}

	/** Reads ledger ids straight from a server. */
	static final class Ledgers {

		static boolean hasId(dev.shardline.test.TopologyNode node, long id) {
			try (java.sql.Connection connection = node.openConnection();
					java.sql.PreparedStatement statement = connection
						.prepareStatement("SELECT COUNT(*) FROM ledger WHERE id = ?")) {
				statement.setString(1, Long.toString(id));
				try (java.sql.ResultSet rs = statement.executeQuery()) {
					rs.next();
					return rs.getInt(1) == 1;
				}
			}
			catch (java.sql.SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
