package org.swf.testbed.orchestrator;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.util.Await;

/**
 * Collects the heartbeats of one namespace's programs and wakes a waiter as soon as every
 * awaited program reports READY (or PROCESSING), so readiness is waited for, not guessed.
 */
final class HeartbeatWatch {

    private final String namespace;
    private final JsonCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, OperationalState> states = new HashMap<>();

    HeartbeatWatch(String namespace, JsonCodec codec) {
        this.namespace = namespace;
        this.codec = codec;
    }

    /** Bus listener: records one heartbeat. */
    void accept(InboundMessage message) {
        Heartbeat heartbeat;
        try {
            heartbeat = codec.decode(message.body(), Heartbeat.class);
        } catch (MalformedMessageException e) {
            return;
        }
        if (!namespace.equals(heartbeat.namespace()) || heartbeat.program() == null) {
            return;
        }
        lock.lock();
        try {
            states.put(heartbeat.program(), heartbeat.operationalState());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every program in {@code programs} reported READY or PROCESSING.
     *
     * @param programs the awaited programs
     * @param timeout the deadline
     * @param everySecond called about once a second while waiting; throws to abort (e.g. when a
     *     program has crashed)
     * @throws TestbedTimeoutException naming the programs still not ready
     */
    void awaitReady(Collection<String> programs, Duration timeout, Runnable everySecond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        lock.lock();
        try {
            while (!notReady(programs).isEmpty()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    throw new TestbedTimeoutException("Timed out after " + Await.seconds(timeout)
                            + " waiting for READY heartbeats from " + String.join(", ", notReady(programs))
                            + ". Check their logs with 'testbed logs NAME'");
                }
                if (now >= nextCheck) {
                    lock.unlock();
                    try {
                        everySecond.run();
                    } finally {
                        lock.lock();
                    }
                    nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    continue;
                }
                changed.awaitNanos(Math.min(deadline, nextCheck) - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedTimeoutException("Interrupted while waiting for READY heartbeats");
        } finally {
            lock.unlock();
        }
    }

    private List<String> notReady(Collection<String> programs) {
        return programs.stream().filter(program -> {
            OperationalState state = states.get(program);
            return state != OperationalState.READY && state != OperationalState.PROCESSING;
        }).toList();
    }
}
