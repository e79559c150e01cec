package dev.shardline.routing;

import dev.shardline.topology.Shard;

/**
 * The current thread's nested routed calls. Only its own thread touches it.
 */
final class RouteStack {

	private RouteFrame[] frames = new RouteFrame[8];

	private int size;

	/** The current unit of work's writes, when read-your-writes is on. */
	ConsistencyScope scope;

	RouteFrame top() {
		return (this.size > 0) ? this.frames[this.size - 1] : null;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	/**
	 * Enters a routed call. A keyed call (shard given) routes by its own key; an unkeyed call
	 * inherits the enclosing call's shard, and shares its node when it asks for the same role.
	 */
	void enter(Shard shard, boolean readOnly, String group) {
		RouteFrame top = top();
		if (shard == null && top != null) {
			if (top.readOnly == readOnly && top.group.equals(group)) {
				top.reentries++;
				return;
			}
			shard = top.shard;
		}
		push().set(shard, readOnly, group);
	}

	/** Leaves the call entered last. */
	void exit() {
		RouteFrame top = top();
		if (top == null) {
			return;
		}
		if (top.reentries > 0) {
			top.reentries--;
		}
		else {
			top.node = null;
			top.shard = null;
			this.size--;
		}
	}

	private RouteFrame push() {
		if (this.size == this.frames.length) {
			RouteFrame[] grown = new RouteFrame[this.size * 2];
			System.arraycopy(this.frames, 0, grown, 0, this.size);
			this.frames = grown;
		}
		RouteFrame frame = this.frames[this.size];
		if (frame == null) {
			frame = new RouteFrame();
			this.frames[this.size] = frame;
		}
		this.size++;
		return frame;
	}

}
