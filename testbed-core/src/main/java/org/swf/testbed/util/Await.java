package org.swf.testbed.util;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.swf.testbed.TestbedTimeoutException;

/**
 * Waits for a condition with a deadline, re-checking it with a short, growing back-off.
 *
 * <p>This is how control paths wait for things they cannot be notified of (a socket that
 * answers, a process state in supervisord): never a fixed sleep, always a condition and a
 * deadline whose expiry says what was awaited.
 */
public final class Await {

    private static final long FIRST_CHECK_INTERVAL_NANOS = Duration.ofMillis(10).toNanos();
    private static final long LONGEST_CHECK_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();

    private Await() {
    }

    /**
     * Waits until {@code probe} yields a value.
     *
     * @param what what is awaited, completing "Timed out after N s waiting for ..."
     * @param timeout the deadline, from now
     * @param probe returns the value once the condition holds, empty before
     * @param <T> the value's type
     * @return the first value the probe yielded
     * @throws TestbedTimeoutException when the deadline passes first
     */
    public static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = FIRST_CHECK_INTERVAL_NANOS;
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new TestbedTimeoutException("Timed out after " + seconds(timeout) + " waiting for " + what);
            }
            LockSupport.parkNanos(Math.min(interval, remaining));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new TestbedTimeoutException("Interrupted while waiting for " + what);
            }
            interval = Math.min(interval * 2, LONGEST_CHECK_INTERVAL_NANOS);
        }
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param what what is awaited, for the timeout message
     * @param timeout the deadline, from now
     * @param condition the condition
     * @throws TestbedTimeoutException when the deadline passes first
     */
    public static void until(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        until(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * @param duration a duration
     * @return it in seconds for messages, e.g. "2.5 s"
     */
    public static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format("%.1f s", millis / 1000.0);
    }
}
