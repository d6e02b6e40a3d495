package io.certdesk.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waiting in the tests, with Awaitility: the condition is checked at once, then every {@code interval}, until it
 * holds or {@code timeout} has passed. It runs on the calling thread and is never interrupted
 * ({@code pollInSameThread}): an interrupted thread doing H2 file I/O closes the embedded H2 database of the shared
 * test context. Exceptions of other threads are not Awaitility's business here, and an exception the condition
 * throws ends the wait at once.
 */
public final class Polling {

    private Polling() {
    }

    /** Waits until {@code condition} holds; on timeout throws what {@code onTimeout} gives. */
    public static <X extends Throwable> void until(Duration timeout, Duration interval, Callable<Boolean> condition,
                                                   Supplier<X> onTimeout) throws X {
        until(timeout, interval, condition, Boolean.TRUE::equals, last -> onTimeout.get());
    }

    /**
     * Waits until the value {@code value} gives is {@code done}, and returns it; on timeout throws what
     * {@code onTimeout} makes of the last value seen, or returns that value when it makes nothing (null).
     */
    public static <T, X extends Throwable> T until(Duration timeout, Duration interval, Callable<T> value,
                                                   Predicate<? super T> done, Function<? super T, X> onTimeout) throws X {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            return Awaitility.with().pollInSameThread().dontCatchUncaughtExceptions()
                    .pollDelay(Duration.ZERO).pollInterval(interval).atMost(timeout)
                    .until(() -> {
                        T seen = value.call();
                        last.set(seen);
                        return seen;
                    }, done::test);
        } catch (ConditionTimeoutException timedOut) {
            X failure = onTimeout.apply(last.get());
            if (failure == null) {
                return last.get();
            }
            throw failure;
        }
    }
}
