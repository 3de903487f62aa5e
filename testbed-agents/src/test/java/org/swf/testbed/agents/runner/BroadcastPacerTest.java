package org.swf.testbed.agents.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The pacing of a virtual-clock run by what the broker holds undelivered, against scripted counts. */
class BroadcastPacerTest {

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Answers the scripted counts in turn, then the last one for ever; records every question. */
    private static final class ScriptedBroker {
        private final Deque<OptionalLong> answers = new ArrayDeque<>();
        private OptionalLong last = OptionalLong.empty();
        private int questions;

        ScriptedBroker(List<OptionalLong> script) {
            answers.addAll(script);
        }

        synchronized OptionalLong undelivered() {
            questions++;
            if (!answers.isEmpty()) {
                last = answers.poll();
            }
            return last;
        }
    }

    private static OptionalLong count(long value) {
        return OptionalLong.of(value);
    }

    /** Sends {@code stfs} STFs, each of which must be let through. */
    private static void goThrough(BroadcastPacer pacer, CountDownLatch stop, int stfs) throws InterruptedException {
        for (int i = 0; i < stfs; i++) {
            assertThat(pacer.awaitRoom(stop)).isTrue();
        }
    }

    @Test
    void asksOncePerFewStfsAndGoesOnWhileTheSubscribersKeepUp() throws InterruptedException {
        ScriptedBroker broker = new ScriptedBroker(List.of(count(0)));
        BroadcastPacer pacer = new BroadcastPacer(broker::undelivered, Duration.ofSeconds(5));

        goThrough(pacer, stop, 10 * BroadcastPacer.CHECK_EVERY);

        assertThat(broker.questions).isEqualTo(10);
    }

    @Test
    void waitsWhileTooMuchIsUndeliveredUntilItIsDownToHalf() throws InterruptedException {
        long most = BroadcastPacer.MOST_UNDELIVERED;
        ScriptedBroker broker = new ScriptedBroker(List.of(count(most + 1), count(most), count(most / 2 + 1),
                count(most / 2), count(0)));
        BroadcastPacer pacer = new BroadcastPacer(broker::undelivered, Duration.ofSeconds(5));

        goThrough(pacer, stop, BroadcastPacer.CHECK_EVERY);

        // Over the limit, then still over half twice, then half: four questions for one STF.
        assertThat(broker.questions).isEqualTo(4);
    }

    @Test
    void aSubscriberThatNeverCatchesUpHoldsTheRunOnlyUntilTheLongestWaitThenNoMore() throws InterruptedException {
        ScriptedBroker broker = new ScriptedBroker(List.of(count(BroadcastPacer.MOST_UNDELIVERED * 10)));
        Duration longest = Duration.ofMillis(200);
        BroadcastPacer pacer = new BroadcastPacer(broker::undelivered, longest);

        long started = System.nanoTime();
        goThrough(pacer, stop, BroadcastPacer.CHECK_EVERY);
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        int asked = broker.questions;
        goThrough(pacer, stop, 10 * BroadcastPacer.CHECK_EVERY);

        assertThat(waited).isGreaterThanOrEqualTo(longest);
        assertThat(broker.questions).as("unpaced after the longest wait").isEqualTo(asked);
    }

    @Test
    void aBrokerThatDoesNotTellLeavesTheRunUnpacedAndIsNotAskedAgain() throws InterruptedException {
        ScriptedBroker broker = new ScriptedBroker(List.of(OptionalLong.empty()));
        BroadcastPacer pacer = new BroadcastPacer(broker::undelivered, Duration.ofSeconds(5));

        goThrough(pacer, stop, 10 * BroadcastPacer.CHECK_EVERY);

        assertThat(broker.questions).isEqualTo(1);
    }

    @Test
    void aStopEndsTheWait() throws InterruptedException {
        ScriptedBroker broker = new ScriptedBroker(List.of(count(BroadcastPacer.MOST_UNDELIVERED * 10)));
        BroadcastPacer pacer = new BroadcastPacer(broker::undelivered, Duration.ofMinutes(5));
        for (int i = 1; i < BroadcastPacer.CHECK_EVERY; i++) {
            assertThat(pacer.awaitRoom(stop)).isTrue();
        }
        stop.countDown();

        assertThat(pacer.awaitRoom(stop)).isFalse();
    }

    @Test
    void realTimeIsNeverHeldBack() throws InterruptedException {
        goThrough(BroadcastPacer.NONE, stop, 100);
    }
}
