package io.certdesk.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Counts the database commits of a benchmark leg by thread pool and by where they come from (the first certdesk
 * frame, else the engine command): which code opens how many transactions per request. On with
 * {@code -Dbench.transaction-origins=true}; it wraps the data source, so it costs a little itself.
 */
@Component
@ConditionalOnProperty("bench.transaction-origins")
public class TransactionOrigins implements BeanPostProcessor {

    private static final Map<String, LongAdder> COMMITS = new ConcurrentHashMap<>();

    static boolean enabled() {
        return Boolean.getBoolean("bench.transaction-origins");
    }

    static void reset() {
        COMMITS.clear();
    }

    static void print(String leg, int requests) {
        if (!enabled()) {
            return;
        }
        long all = COMMITS.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("Commits of the %s leg: %.1f per request (count, thread pool, origin):%n", leg, (double) all / requests);
        COMMITS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum())).limit(20)
                .forEach(e -> System.out.printf("  %7d  %s%n", e.getValue().sum(), e.getKey()));
        reset();
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        if (!(bean instanceof DataSource dataSource) || Proxy.isProxyClass(bean.getClass())) {
            return bean;
        }
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, dataSource, args);
                    return result instanceof Connection connection ? counting(connection) : result;
                });
    }

    private Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        COMMITS.computeIfAbsent(Thread.currentThread().getName().replaceAll("[0-9]+", "#") + "  " + origin(),
                                k -> new LongAdder()).increment();
                    }
                    return invoke(method, connection, args);
                });
    }

    private static String origin() {
        StackTraceElement[] stack = new Throwable().getStackTrace();
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("io.certdesk") && !frame.getClassName().startsWith(TransactionOrigins.class.getName())) {
                return frame.getClassName().replaceAll("\\$\\$.*", "") + "." + frame.getMethodName();
            }
        }
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().startsWith("org.camunda.bpm.engine.impl.cmd") || frame.getClassName().startsWith("org.camunda.bpm.engine.impl.jobexecutor")) {
                return frame.getClassName() + "." + frame.getMethodName();
            }
        }
        return "?";
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
