package org.swf.testbed.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** What every {@link Clock} must do; the wall clock and the virtual clock both pass it. */
public abstract class ClockContract {

    /** @return a clock to test */
    protected abstract Clock clock();

    @Test
    void advancingLetsTheTimePass() throws InterruptedException {
        Clock clock = clock();
        Instant before = clock.now();
        assertThat(clock.advance(Duration.ofMillis(50), new CountDownLatch(1))).isTrue();
        assertThat(Duration.between(before, clock.now())).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void aReleasedStopEndsTheWaitAtOnceAndSaysSo() {
        Clock clock = clock();
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        // A guard against a clock that ignores the stop and waits out the hour.
        boolean fullTimePassed = assertTimeoutPreemptively(Duration.ofMinutes(1),
                () -> clock.advance(Duration.ofHours(1), stop));
        assertThat(fullTimePassed).isFalse();
    }

    @Test
    void zeroLetsNothingPass() throws InterruptedException {
        assertThat(clock().advance(Duration.ZERO, new CountDownLatch(1))).isTrue();
    }
}
