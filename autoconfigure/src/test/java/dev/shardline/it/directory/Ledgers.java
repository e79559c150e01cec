package dev.shardline.it.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.shardline.test.TopologyNode;

/** Reads ledger rows straight from a server. */
final class Ledgers {

	private Ledgers() {
	}

	static java.util.Map<String, Long> amounts(TopologyNode node, long customer) {
		try (Connection connection = node.openConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT id, amount FROM ledger WHERE customer_id = ?")) {
			statement.setLong(1, customer);
			java.util.Map<String, Long> rows = new java.util.HashMap<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					rows.put(rs.getString(1), rs.getLong(2));
				}
			}
			return rows;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static List<String> ids(TopologyNode node, long customer) {
		try (Connection connection = node.openConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT id FROM ledger WHERE customer_id = ?")) {
			statement.setLong(1, customer);
			List<String> ids = new ArrayList<>();
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					ids.add(rs.getString(1));
				}
			}
			return ids;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
