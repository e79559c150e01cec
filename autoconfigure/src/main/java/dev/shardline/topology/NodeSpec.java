package dev.shardline.topology;

import java.util.Map;

/**
 * What a node's pool is built from.
 *
 * @param url the JDBC URL (credentials in it are moved out before use)
 * @param username the login user, or null
 * @param password the login password, or null
 * @param hikari HikariCP settings in kebab-case (already merged with the defaults)
 * @param weight share of the group's reads (replicas)
 * @param group replica group; null for a primary
 */
public record NodeSpec(String url, String username, String password, Map<String, String> hikari, int weight,
		String group) {

	@Override
	public String toString() {
		return "NodeSpec[url=" + JdbcUrls.safe(this.url) + ", username=" + this.username + ", group=" + this.group
				+ "]";
	}

}
