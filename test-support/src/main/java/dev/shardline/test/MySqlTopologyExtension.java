package dev.shardline.test;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContextException;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link RealTopology}: resolves {@link MySqlTopology} parameters.
 *
 * <p>Shared topologies come from {@link MySqlTopology#shared(int, int)} (one per shape, stopped when the JVM
 * exits); fresh ones live in the test class' store and are closed after the class. Start failures (including "no MariaDB installed") fail the tests, never skip them.
 */
public class MySqlTopologyExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(MySqlTopologyExtension.class);

    /** Creates the extension (instantiated by JUnit). */
    public MySqlTopologyExtension() {
    }

    /** Supports parameters of type {@link MySqlTopology}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MySqlTopology.class;
    }

    /** Returns the shared or the class' own topology, starting it on first use. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> testClass = extensionContext.getRequiredTestClass();
        Class<?> annotated = annotatedClass(testClass).orElseThrow(() -> new ParameterResolutionException(
                "MySqlTopology parameters need @RealTopology on " + testClass.getName() + " or an enclosing class"));
        RealTopology spec = AnnotationSupport.findAnnotation(annotated, RealTopology.class).orElseThrow();
        if (spec.fresh()) {
            ExtensionContext classContext = contextOf(extensionContext, annotated);
            return classContext.getStore(NAMESPACE).computeIfAbsent("fresh:" + annotated.getName(),
                    key -> start(spec), MySqlTopology.class);
        }
        // Shared topologies outlive the JUnit run's stores: Spring's test context cache may still hold
        // applications using them until the JVM exits, when the workspace's shutdown hook stops them.
        return MySqlTopology.shared(spec.shards(), spec.replicas());
    }

    private static MySqlTopology start(RealTopology spec) {
        return MySqlTopology.builder().shards(spec.shards()).replicasPerShard(spec.replicas()).start();
    }

    /** The class carrying the annotation: the test class itself, a superclass, or an enclosing class. */
    private static Optional<Class<?>> annotatedClass(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (AnnotationSupport.isAnnotated(c, RealTopology.class)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The class-level context of {@code annotated}, so a fresh topology lives exactly as long as that class. */
    private static ExtensionContext contextOf(ExtensionContext context, Class<?> annotated) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isPresent() && element.get() == annotated) {
                return c;
            }
        }
        throw new ExtensionContextException("No extension context for " + annotated.getName());
    }
}
