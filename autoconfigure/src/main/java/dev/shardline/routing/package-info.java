/**
 * The routing core: the route of the current thread, the router that turns it into a node,
 * the routing data source, the annotation interceptor and the programmatic API.
 */
package dev.shardline.routing;
