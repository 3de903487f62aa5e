package org.swf.testbed.port;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * Time as a simulation sees it: the wall clock in real-time runs, a virtual clock that jumps
 * ahead in fast runs. Waiting is always interruptible by a stop signal, so stopping a
 * simulation never waits out a pause.
 */
public interface Clock {

    /** @return the current time of this clock */
    Instant now();

    /**
     * Lets {@code duration} pass, or less when {@code stop} is released first.
     *
     * @param duration how much time should pass
     * @param stop released when the caller should stop early
     * @return true when the full duration passed, false when stopped
     * @throws InterruptedException when the thread is interrupted
     */
    boolean advance(Duration duration, CountDownLatch stop) throws InterruptedException;
}
