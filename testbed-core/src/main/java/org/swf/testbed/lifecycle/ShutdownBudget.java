package org.swf.testbed.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervised program spends the time between its stop signal and the SIGKILL that follows
 * {@link #SUPERVISOR_GRACE} later: one share for each step of a graceful shutdown that may wait on
 * something outside the process, each step bounded by its share, so the whole ends well before the
 * kill whatever the broker or the monitor does. A program killed instead sends no exit heartbeat,
 * and its running execution ends as failed instead of terminated.
 *
 * @param stopWork for the agent's own work: the workflow runner stops its execution at the next
 *     step, sends {@code end_run} and records the end; then the exit heartbeat goes out on the bus
 * @param monitorFlush for the last heartbeat POST to the monitor (its HTTP timeouts, and the
 *     deadline of the final flush)
 * @param busClose for closing the broker connection
 */
public record ShutdownBudget(Duration stopWork, Duration monitorFlush, Duration busClose) {

    /**
     * How long the supervisor waits after the stop signal before it kills a program: the generated
     * supervisord configuration writes it as every program's {@code stopwaitsecs}.
     */
    public static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(10);

    /**
     * The budget of every built-in program under {@link #SUPERVISOR_GRACE}: 6 s, 2 s per step.
     * The other 4 s are margin for what no share covers: the JVM's own exit, and a machine so
     * loaded that the steps themselves start late.
     */
    public static final ShutdownBudget STANDARD = within(SUPERVISOR_GRACE);

    /** Requires positive shares. */
    public ShutdownBudget {
        requirePositive(stopWork, "stopWork");
        requirePositive(monitorFlush, "monitorFlush");
        requirePositive(busClose, "busClose");
    }

    /**
     * Three fifths of {@code grace}, split equally between the three steps.
     *
     * @param grace how long the supervisor waits between the stop signal and the kill
     * @return the budget for a program stopped with that grace
     */
    public static ShutdownBudget within(Duration grace) {
        requirePositive(grace, "grace");
        Duration share = grace.multipliedBy(3).dividedBy(5).dividedBy(3);
        return new ShutdownBudget(share, share, share);
    }

    /** @return the whole budget: the longest a graceful shutdown takes */
    public Duration total() {
        return stopWork.plus(monitorFlush).plus(busClose);
    }

    /**
     * Runs {@code step} on a daemon thread of its own and waits for it at most {@code limit}: for
     * steps that may block in a library call without a deadline of its own (a send to a hung
     * broker, a connection close). A step still running after the limit carries on in the
     * background until the process ends; the caller moves on to the next step.
     *
     * @param limit the longest to wait
     * @param name the thread's name, which says in a thread dump what is stuck
     * @param step what to run
     * @return whether the step finished within the limit
     */
    public static boolean runWithin(Duration limit, String name, Runnable step) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(step, "step");
        Thread thread = new Thread(step, name);
        thread.setDaemon(true);
        thread.start();
        try {
            thread.join(Math.max(1, limit.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("The shutdown budget's " + name + " must be positive, got " + duration);
        }
    }
}
