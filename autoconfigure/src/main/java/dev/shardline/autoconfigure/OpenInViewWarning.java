package dev.shardline.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Warns at startup when JPA's open-in-view is on with more than one shard: the request-wide
 * EntityManager keeps the first physical connection, so lazy loading and later reads in the
 * request run on whatever shard and node that connection went to.
 */
class OpenInViewWarning implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(OpenInViewWarning.class);

	private final Environment environment;

	private final int shardCount;

	OpenInViewWarning(Environment environment, int shardCount) {
		this.environment = environment;
		this.shardCount = shardCount;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.shardCount > 1 && this.environment.getProperty("spring.jpa.open-in-view", Boolean.class, true)) {
			logger.warn("spring.jpa.open-in-view is enabled with " + this.shardCount + " Shardline shards. "
					+ "Open-in-view holds one EntityManager, and with it the first physical connection, for the whole "
					+ "web request, so lazy loading and later queries in the request run on the shard and node that "
					+ "connection went to instead of the one their own @ShardKey/@ReadOnly route asks for. "
					+ "Set spring.jpa.open-in-view=false and load what views need inside routed calls.");
		}
	}

}
