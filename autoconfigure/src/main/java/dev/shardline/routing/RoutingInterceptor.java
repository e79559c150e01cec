package dev.shardline.routing;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import dev.shardline.ShardlineException;
import dev.shardline.topology.Shard;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.EvaluationException;

/**
 * Enters the route that a call's {@code @ShardKey} and {@code @ReadOnly} ask for, for the
 * duration of the call. Ordered before the transaction interceptor, so the route is in
 * place when the transaction's first statement fetches its connection.
 */
public final class RoutingInterceptor implements MethodInterceptor {

	private final MethodRouteResolver resolver;

	private final ObjectProvider<ShardRouter> routerProvider;

	private volatile ShardRouter router;

	RoutingInterceptor(MethodRouteResolver resolver, ObjectProvider<ShardRouter> routerProvider) {
		this.resolver = resolver;
		this.routerProvider = routerProvider;
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		MethodRoute route = this.resolver.resolve(invocation.getMethod(),
				(target != null) ? target.getClass() : invocation.getMethod().getDeclaringClass());
		if (!route.isRouted()) {
			return invocation.proceed();
		}
		ShardRouter router = router();
		Shard shard = null;
		Object key = null;
		if (route.isKeyed()) {
			key = extractKey(route, invocation.getArguments()[route.keyIndex]);
			shard = route.shardlineId ? router.shardOfId(key, route.description)
					: router.shardFor(key, route.description, !route.readOnly);
		}
		router.enter(shard, route.readOnly, route.group, route.freshTransaction, key, route.description);
		try {
			return invocation.proceed();
		}
		catch (RuntimeException ex) {
			throw (RuntimeException) FenceRefusals.translate(ex, key);
		}
		finally {
			router.exit();
		}
	}

	private static Object extractKey(MethodRoute route, Object argument) {
		if (route.keyExpression == null || argument == null) {
			return argument;
		}
		try {
			return route.keyExpression.getValue(argument);
		}
		catch (EvaluationException ex) {
			throw new ShardlineException("Could not evaluate @ShardKey(\"" + route.keyExpressionText + "\") on "
					+ route.description + " against " + argument.getClass().getName() + ": " + ex.getMessage(), ex);
		}
	}

	private ShardRouter router() {
		ShardRouter router = this.router;
		if (router == null) {
			router = this.routerProvider.getObject();
			this.router = router;
		}
		return router;
	}

}
