package dev.shardline.routing;

import io.micrometer.context.ThreadLocalAccessor;

/**
 * Lets Micrometer context-propagation (e.g. Spring's {@code ContextPropagatingTaskDecorator}
 * or Reactor) carry the current route across threads.
 */
public final class RouteThreadLocalAccessor implements ThreadLocalAccessor<RoutingContext.Snapshot> {

	/** The key the route is propagated under. */
	public static final String KEY = "dev.shardline.route";

	private final ThreadLocal<RoutingContext.Scope> scopes = new ThreadLocal<>();

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public RoutingContext.Snapshot getValue() {
		return RoutingContext.capture();
	}

	@Override
	public void setValue(RoutingContext.Snapshot value) {
		this.scopes.set(value.restore());
	}

	@Override
	public void setValue() {
		// Nothing to restore: the route is absent in the propagated context.
	}

	@Override
	public void restore(RoutingContext.Snapshot previousValue) {
		closeScope();
	}

	@Override
	public void restore() {
		closeScope();
	}

	private void closeScope() {
		RoutingContext.Scope scope = this.scopes.get();
		if (scope != null) {
			this.scopes.remove();
			scope.close();
		}
	}

}
