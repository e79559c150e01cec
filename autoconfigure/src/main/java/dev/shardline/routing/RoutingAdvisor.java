package dev.shardline.routing;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;

/**
 * Applies the {@link RoutingInterceptor} to every method that carries {@code @ShardKey} or
 * {@code @ReadOnly} (on the method, its interfaces or its type). Ordered before Spring's
 * transaction advisor, which runs at {@link Ordered#LOWEST_PRECEDENCE}.
 */
public final class RoutingAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** The advisor's default order: just outside the transaction interceptor. */
	public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final transient MethodRouteResolver resolver = new MethodRouteResolver();

	private final transient RoutingInterceptor interceptor;

	private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return RoutingAdvisor.this.resolver.resolve(method, targetClass).isRouted();
		}

	};

	/**
	 * Creates the advisor.
	 * @param router resolved on first use, so that creating the advisor early (it is
	 * infrastructure) does not create the pools early
	 */
	public RoutingAdvisor(ObjectProvider<ShardRouter> router) {
		this.interceptor = new RoutingInterceptor(this.resolver, router);
		setOrder(DEFAULT_ORDER);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

}
