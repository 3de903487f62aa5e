package org.swf.testbed.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.port.Clock;

/** The wall clock: a real-time simulation waits as long as it says, unless stopped. */
public final class SystemClock implements Clock {

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public boolean advance(Duration duration, CountDownLatch stop) throws InterruptedException {
        if (duration.isNegative() || duration.isZero()) {
            return stop.getCount() > 0;
        }
        return !stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
}
