package dev.shardline.test;

import java.util.ArrayList;
import java.util.List;

/**
 * The nodes a {@link TopologyProvider} started for one topology, in the order of the requested specs.
 *
 * <p>Closing destroys every node and then releases provider-level resources (a topology directory, a Docker
 * network). Close is idempotent and keeps going when one node fails to die, so cleanup is never partial; nodes are
 * stopped a few at a time in parallel.
 */
public final class NodeSet implements AutoCloseable {

    private final List<NodeRuntime> nodes;
    private final AutoCloseable afterNodes;
    private boolean closed;

    /**
     * @param nodes      started nodes, same order as the specs
     * @param afterNodes released after all nodes are destroyed (may be {@code null})
     */
    public NodeSet(List<NodeRuntime> nodes, AutoCloseable afterNodes) {
        this.nodes = List.copyOf(nodes);
        this.afterNodes = afterNodes;
    }

    /** The started nodes, same order as the requested specs. */
    public List<NodeRuntime> nodes() {
        return nodes;
    }

    /** Destroys all nodes (a few at a time: 64 one after the other take seconds) and releases provider resources. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        int threads = Math.max(1, Math.min(nodes.size(), TopologySettings.DEFAULT_START_CONCURRENCY));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "shardline-node-stop");
            t.setDaemon(true);
            return t;
        });
        try {
            for (NodeRuntime node : nodes) {
                pool.execute(() -> {
                    try {
                        node.destroy();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                });
            }
        } finally {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(2, java.util.concurrent.TimeUnit.MINUTES)) {
                    failures.add(new IllegalStateException("Nodes still stopping after 2 minutes"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(e);
            }
        }
        if (afterNodes != null) {
            try {
                afterNodes.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("Could not fully clean up topology nodes");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
