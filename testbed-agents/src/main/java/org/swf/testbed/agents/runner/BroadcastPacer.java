package org.swf.testbed.agents.runner;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Holds a workflow on a virtual clock back while the subscribers of its broadcasts are behind.
 *
 * <p>On a virtual clock the DAQ simulator sends its STFs as fast as it can, far faster than the
 * agents downstream turn each into their own broadcasts and work. The broker keeps a bounded
 * number of undelivered broadcasts per subscriber and drops the oldest beyond it (BrokerLimits), so
 * an unpaced long run loses messages and its counts stop being exact. So before every
 * {@value #CHECK_EVERY}th STF the runner asks the broker how many broadcasts it holds undelivered,
 * summed over every subscriber, and while that is over {@link #MOST_UNDELIVERED} waits until it is
 * down to half, the virtual clock standing still meanwhile.
 *
 * <p>A subscriber that does not catch up within {@link #LONGEST_WAIT} (stuck, or gone without its
 * subscription being closed) does not hold the run for ever: the run goes on unpaced, as a broker
 * that does not tell the count (another broker, no permission to ask) leaves it, and the log says so.
 */
final class BroadcastPacer {

    /**
     * Undelivered broadcasts, over all subscribers, beyond which the run waits. Low, because a
     * broadcast still waiting may multiply downstream: each {@code stf_ready} waiting for fast
     * monitoring becomes seven TF files for fast processing. So even 500 waiting (plus the 100
     * each subscriber's client holds) stay below the 5,000 a subscriber keeps.
     */
    static final long MOST_UNDELIVERED = 500;
    /** STFs between two questions: each one is a broker round trip. */
    static final int CHECK_EVERY = 8;
    /** The longest the run waits for its subscribers at one time before it goes on without pacing. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 20;

    private static final System.Logger LOG = System.getLogger(BroadcastPacer.class.getName());

    /** A pacer for real time, whose clock the subscribers keep up with: never waits. */
    static final BroadcastPacer NONE = new BroadcastPacer(null, Duration.ZERO);

    private final Supplier<OptionalLong> undelivered;
    private final Duration longestWait;
    private int sinceCheck;
    private boolean unpaced;

    /**
     * @param undelivered asks the broker how many broadcasts wait for their subscribers; null never asks
     * @param longestWait the longest one wait lasts before the run goes on unpaced
     */
    BroadcastPacer(Supplier<OptionalLong> undelivered, Duration longestWait) {
        this.undelivered = undelivered;
        this.longestWait = longestWait;
    }

    /**
     * Called before each STF: returns at once, or once the subscribers have caught up.
     *
     * @param stop released to stop the run
     * @return true to go on, false when the run was stopped meanwhile
     * @throws InterruptedException when the thread is interrupted
     */
    boolean awaitRoom(CountDownLatch stop) throws InterruptedException {
        if (undelivered == null || unpaced || ++sinceCheck < CHECK_EVERY) {
            return true;
        }
        sinceCheck = 0;
        OptionalLong count = undelivered.get();
        if (count.isEmpty()) {
            unpaced = true;
            LOG.log(Level.INFO, "The broker does not tell how many broadcasts wait for their subscribers: this fast"
                    + " run is not paced, and a subscriber that falls far behind loses its oldest broadcasts");
            return true;
        }
        if (count.getAsLong() <= MOST_UNDELIVERED) {
            return true;
        }
        long waitStarted = System.nanoTime();
        long deadline = waitStarted + longestWait.toNanos();
        while (true) {
            if (stop.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                return false;
            }
            count = undelivered.get();
            if (count.isEmpty() || count.getAsLong() <= MOST_UNDELIVERED / 2) {
                LOG.log(Level.DEBUG, "Subscribers caught up in {0} ms", (System.nanoTime() - waitStarted) / 1_000_000);
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                unpaced = true;
                LOG.log(Level.WARNING, "{0} broadcasts still wait for their subscribers after {1} s: a subscriber"
                        + " does not keep up. The run goes on unpaced; that subscriber loses its oldest broadcasts",
                        count.getAsLong(), longestWait.toSeconds());
                return true;
            }
        }
    }
}
