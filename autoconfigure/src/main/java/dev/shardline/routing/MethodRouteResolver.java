package dev.shardline.routing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.shardline.ShardlineException;
import dev.shardline.annotation.ReadOnly;
import dev.shardline.annotation.ShardKey;

import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.util.ClassUtils;

/**
 * Finds {@link ShardKey} and {@link ReadOnly} for a method called on a target class: on the
 * method, on the same method of every interface the target implements (Spring Data
 * repository interfaces included), of its superclasses, and on their types. Results are
 * cached per method and target class; the common case (one target class per method) is
 * looked up without allocating.
 */
final class MethodRouteResolver {

	private final SpelExpressionParser parser = new SpelExpressionParser(
			new SpelParserConfiguration(SpelCompilerMode.MIXED, MethodRouteResolver.class.getClassLoader()));

	private final AnnotationTransactionAttributeSource transactionAttributes = new AnnotationTransactionAttributeSource(
			false);

	/** method -> the route for the first target class seen with it. */
	private final ConcurrentHashMap<Method, Resolved> byMethod = new ConcurrentHashMap<>();

	/** (method, other target class) -> route. */
	private final ConcurrentHashMap<MethodClassKey, MethodRoute> byMethodAndClass = new ConcurrentHashMap<>();

	MethodRoute resolve(Method method, Class<?> targetClass) {
		Resolved first = this.byMethod.get(method);
		if (first != null && first.targetClass == targetClass) {
			return first.route;
		}
		if (first == null) {
			Resolved resolved = new Resolved(targetClass, compute(method, targetClass));
			first = this.byMethod.putIfAbsent(method, resolved);
			if (first == null || first.targetClass == targetClass) {
				return resolved.route;
			}
		}
		return this.byMethodAndClass.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> compute(method, targetClass));
	}

	private MethodRoute compute(Method method, Class<?> targetClass) {
		List<Method> candidates = candidates(method, targetClass);
		String description = ClassUtils.getShortName(method.getDeclaringClass()) + "." + method.getName() + "()";
		int keyIndex = -1;
		String expressionText = null;
		boolean shardlineId = false;
		for (Method candidate : candidates) {
			Annotation[][] parameters = candidate.getParameterAnnotations();
			for (int i = 0; i < parameters.length; i++) {
				for (Annotation annotation : parameters[i]) {
					if (annotation instanceof ShardKey shardKey) {
						if (keyIndex >= 0 && keyIndex != i) {
							throw new ShardlineException("More than one @ShardKey parameter on " + description
									+ ": a call has exactly one shard key");
						}
						keyIndex = i;
						expressionText = shardKey.value();
						shardlineId = shardKey.shardlineId();
					}
				}
			}
		}
		ReadOnly readOnly = null;
		for (Method candidate : candidates) {
			readOnly = AnnotatedElementUtils.findMergedAnnotation(candidate, ReadOnly.class);
			if (readOnly != null) {
				break;
			}
		}
		if (readOnly == null) {
			for (Method candidate : candidates) {
				readOnly = AnnotatedElementUtils.findMergedAnnotation(candidate.getDeclaringClass(), ReadOnly.class);
				if (readOnly != null) {
					break;
				}
			}
		}
		if (readOnly == null && targetClass != null) {
			readOnly = AnnotatedElementUtils.findMergedAnnotation(targetClass, ReadOnly.class);
		}
		if (keyIndex < 0 && readOnly == null) {
			return MethodRoute.NONE;
		}
		Expression expression = null;
		if (expressionText != null && !expressionText.isBlank()) {
			try {
				expression = this.parser.parseExpression(expressionText);
			}
			catch (ParseException ex) {
				throw new ShardlineException("Invalid @ShardKey(\"" + expressionText + "\") on " + description + ": "
						+ ex.getMessage(), ex);
			}
		}
		return new MethodRoute(keyIndex, expressionText, expression, readOnly != null,
				(readOnly != null) ? readOnly.group() : ReadOnly.DEFAULT_GROUP, isFreshTransaction(method, targetClass),
				description, shardlineId);
	}

	private boolean isFreshTransaction(Method method, Class<?> targetClass) {
		TransactionAttribute attribute = this.transactionAttributes.getTransactionAttribute(method, targetClass);
		if (attribute == null) {
			return false;
		}
		int propagation = attribute.getPropagationBehavior();
		return propagation == TransactionDefinition.PROPAGATION_REQUIRES_NEW
				|| propagation == TransactionDefinition.PROPAGATION_NOT_SUPPORTED
				|| propagation == TransactionDefinition.PROPAGATION_NEVER;
	}

	private static List<Method> candidates(Method method, Class<?> targetClass) {
		Set<Method> candidates = new LinkedHashSet<>();
		candidates.add(method);
		if (targetClass != null && !Modifier.isStatic(method.getModifiers())) {
			Method specific = ClassUtils.getMostSpecificMethod(method, targetClass);
			candidates.add(specific);
			for (Class<?> type = targetClass; type != null && type != Object.class; type = type.getSuperclass()) {
				addDeclared(candidates, type, method);
			}
			for (Class<?> ifc : ClassUtils.getAllInterfacesForClassAsSet(targetClass)) {
				addDeclared(candidates, ifc, method);
			}
		}
		for (Class<?> ifc : ClassUtils.getAllInterfacesForClassAsSet(method.getDeclaringClass())) {
			addDeclared(candidates, ifc, method);
		}
		return new ArrayList<>(candidates);
	}

	private static void addDeclared(Set<Method> candidates, Class<?> type, Method method) {
		try {
			candidates.add(type.getDeclaredMethod(method.getName(), method.getParameterTypes()));
		}
		catch (NoSuchMethodException ex) {
			// not declared on this type
		}
	}

	private record Resolved(Class<?> targetClass, MethodRoute route) {
	}

}
