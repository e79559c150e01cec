package dev.shardline.test;

import java.util.List;

/**
 * One shard of a {@link MySqlTopology}: a primary and its replicas. Roles change only through
 * {@link MySqlTopology#promote(TopologyShard, TopologyNode)}.
 */
public final class TopologyShard {

    private final int index;
    private volatile TopologyNode primary;
    private volatile List<TopologyNode> replicas;

    TopologyShard(int index, TopologyNode primary, List<TopologyNode> replicas) {
        this.index = index;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
    }

    /** Zero-based shard index. */
    public int index() {
        return index;
    }

    /** Shard name as used in Shardline properties, e.g. {@code shard-0}. */
    public String name() {
        return "shard-" + index;
    }

    /** The current primary. */
    public TopologyNode primary() {
        return primary;
    }

    /** The current replicas (immutable snapshot). */
    public List<TopologyNode> replicas() {
        return replicas;
    }

    /**
     * One replica.
     *
     * @param i zero-based replica index
     * @return the replica
     */
    public TopologyNode replica(int i) {
        return replicas.get(i);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name() + "[primary=" + primary.name() + ", replicas=" + replicas.stream().map(TopologyNode::name)
                .toList() + "]";
    }

    synchronized void reassign(TopologyNode newPrimary, List<TopologyNode> newReplicas) {
        this.replicas = List.copyOf(newReplicas);
        this.primary = newPrimary;
    }
}
