package dev.shardline.routing;

import dev.shardline.replication.GtidPosition;

/**
 * Whether a replica's reported GTID position includes a write's GTID. Only consulted in gtid
 * read-your-writes mode after a write, so parsing here is acceptable.
 */
final class GtidCoverage {

	private GtidCoverage() {
	}

	static boolean covers(String replicaPosition, String writeGtid) {
		if (replicaPosition == null || writeGtid == null) {
			return false;
		}
		try {
			return parse(replicaPosition).covers(parse(writeGtid));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** MySQL GTID sets carry a server uuid and a colon; MariaDB positions never do. */
	static GtidPosition parse(String text) {
		return GtidPosition.parse(text,
				(text.indexOf(':') >= 0) ? GtidPosition.Flavor.MYSQL : GtidPosition.Flavor.MARIADB);
	}

}
