package org.swf.testbed.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.swf.testbed.port.Clock;
import org.swf.testbed.port.ClockContract;

class VirtualClockTest extends ClockContract {

    @Override
    protected Clock clock() {
        return new VirtualClock(Instant.parse("2026-11-23T10:00:00Z"));
    }

    @Test
    void aVirtualHourTakesNoWallTime() throws InterruptedException {
        Clock clock = clock();
        assertThat(clock.advance(Duration.ofHours(1), new CountDownLatch(1))).isTrue();
        assertThat(clock.now()).isEqualTo(Instant.parse("2026-11-23T11:00:00Z"));
    }
}
