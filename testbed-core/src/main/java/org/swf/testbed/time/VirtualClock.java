package org.swf.testbed.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.swf.testbed.port.Clock;

/**
 * A clock that jumps ahead instead of waiting, for fast-mode simulations: the simulation's
 * timeline (ticks, timestamps) is the same as in real time, it just takes no wall time.
 */
public final class VirtualClock implements Clock {

    private final AtomicReference<Instant> now;

    /** @param start the clock's initial time */
    public VirtualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant now() {
        return now.get();
    }

    @Override
    public boolean advance(Duration duration, CountDownLatch stop) {
        if (stop.getCount() == 0) {
            return false;
        }
        if (!duration.isNegative()) {
            now.updateAndGet(t -> t.plus(duration));
        }
        return true;
    }
}
