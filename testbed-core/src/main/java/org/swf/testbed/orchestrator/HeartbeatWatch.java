package org.swf.testbed.orchestrator;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.heartbeat.HeartbeatTable;
import org.swf.testbed.port.InboundMessage;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.util.Await;

/**
 * Collects the heartbeats of one namespace's programs and wakes a waiter as soon as every
 * awaited program reports READY (or PROCESSING), so readiness is waited for, not guessed.
 * A program's state is its newest instance's ({@link HeartbeatTable}): an instance that a crash
 * restart replaced cannot make it look ready, nor failed.
 */
final class HeartbeatWatch {

    private final String namespace;
    private final JsonCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final HeartbeatTable heartbeats;

    /**
     * @param namespace the namespace whose programs are awaited
     * @param codec the JSON codec
     * @param wait how long the wait for readiness may take
     */
    HeartbeatWatch(String namespace, JsonCodec codec, Duration wait) {
        this.namespace = namespace;
        this.codec = codec;
        // Heartbeats count from the subscription, before the programs' start call, which takes
        // time of its own: twice the wait keeps an early READY through the whole start.
        this.heartbeats = new HeartbeatTable(wait.multipliedBy(2), InstantSource.system());
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
            if (heartbeats.record(heartbeat)) {
                changed.signalAll();
            }
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
            OperationalState state = heartbeats.current(namespace, program).map(seen -> seen.heartbeat()
                    .operationalState()).orElse(null);
            return state != OperationalState.READY && state != OperationalState.PROCESSING;
        }).toList();
    }
}
