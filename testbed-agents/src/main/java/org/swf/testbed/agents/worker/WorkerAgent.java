package org.swf.testbed.agents.worker;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.Slice;
import org.swf.testbed.protocol.SliceResult;

/**
 * A worker: stands in for the PanDA/iDDS workers of the original, which are not part of its
 * repository. It takes {@code slice} messages from the namespace's slice queue (several workers
 * share the queue, each slice goes to one of them) and answers each with a {@code slice_result}
 * on the namespace's results queue.
 *
 * <p>Processing is simulated: instant by default, or {@value #PROCESSING_MILLIS_VARIABLE}
 * milliseconds per slice when that environment variable is set. It reports PROCESSING while
 * slices keep coming and READY once none came for {@link #IDLE_AFTER}: without that grace it
 * would flip state, and send a heartbeat, for every slice.
 *
 * <p>A slice that the broker says it delivered before (its worker died before acknowledging it) is
 * processed again and its answer says {@code redelivered}; the fast processing agent counts each
 * slice once whatever number of answers it gets.
 */
public final class WorkerAgent implements Agent {

    /** The agent type this worker reports. */
    public static final String AGENT_TYPE = "worker";
    /** Environment variable: milliseconds each slice takes; unset or 0 for instant processing. */
    public static final String PROCESSING_MILLIS_VARIABLE = TestbedEnvironment.SLICE_PROCESSING_VARIABLE;
    /** How long without a slice before the worker reports READY again. */
    public static final Duration IDLE_AFTER = Duration.ofMillis(300);

    private static final System.Logger LOG = System.getLogger(WorkerAgent.class.getName());

    private final Duration processingTime;
    private final JsonCodec codec;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ScheduledExecutorService idleTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "worker-idle");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> idle;

    /**
     * @param processingTime how long each slice takes; zero for instant
     * @param codec decodes incoming messages
     */
    public WorkerAgent(Duration processingTime, JsonCodec codec) {
        if (processingTime.isNegative()) {
            throw new IllegalArgumentException("negative processing time " + processingTime);
        }
        this.processingTime = processingTime;
        this.codec = codec;
    }

    /**
     * @param environment the process environment
     * @return a worker whose processing time {@value #PROCESSING_MILLIS_VARIABLE} sets
     * @throws ConfigException when the variable is not a whole number of milliseconds
     */
    public static WorkerAgent fromEnvironment(TestbedEnvironment environment) {
        return new WorkerAgent(environment.sliceProcessingTime(), new JsonCodec());
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }

    @Override
    public List<Destination> subscriptions(String namespace) {
        return List.of(Destinations.sliceQueue(namespace));
    }

    /** A slice processed twice is answered twice, and counted once by the fast processing agent. */
    @Override
    public boolean idempotent(Destination destination, String namespace) {
        return destination.equals(Destinations.sliceQueue(namespace));
    }

    @Override
    public void handle(AgentMessage message, AgentRuntime runtime) {
        if (message.type().orElse(null) != MessageType.SLICE) {
            return;
        }
        Slice slice;
        try {
            slice = codec.convert(message.fields(), Slice.class);
        } catch (MalformedMessageException e) {
            LOG.log(Level.WARNING, "Ignored an unreadable slice: {0}", e.getMessage());
            return;
        }
        busy(runtime);
        long started = System.nanoTime();
        if (!processingTime.isZero() && awaitClosing(processingTime)) {
            LOG.log(Level.WARNING, "Shutting down: slice {0} abandoned unanswered", slice.content().tfFilename());
            return;
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        Slice.Content content = slice.content();
        String runId = slice.runId() != null ? slice.runId() : content.runId();
        String executionId = slice.executionId() != null ? slice.executionId() : content.executionId();
        String self = runtime.identity().instanceName();
        runtime.send(Destinations.sliceResults(runtime.identity().namespace()), new SliceResult(
                MessageType.SLICE_RESULT.wireName(), runtime.identity().namespace(), runId, executionId,
                content.reqId(), content.sliceId(), content.tfFilename(), SliceResult.DONE, self, tookMillis,
                runtime.timestamp(), self, message.raw().redelivered() ? Boolean.TRUE : null, null));
        idleSoon(runtime);
    }

    /** Waits as long as a slice takes, unless the agent shuts down first; true when it does. */
    private boolean awaitClosing(Duration time) {
        try {
            return closing.await(time.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private synchronized void busy(AgentRuntime runtime) {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
        runtime.setState(OperationalState.PROCESSING);
    }

    private synchronized void idleSoon(AgentRuntime runtime) {
        if (idleTimer.isShutdown()) {
            return;
        }
        idle = idleTimer.schedule(() -> becomeReady(runtime), IDLE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void becomeReady(AgentRuntime runtime) {
        // A slice that started after this timer was scheduled cancelled it; cancel may lose that race.
        if (idle != null && !idle.isCancelled()) {
            idle = null;
            runtime.setState(OperationalState.READY);
        }
    }

    @Override
    public void close(Duration deadline) {
        closing.countDown();
        synchronized (this) {
            idleTimer.shutdownNow();
        }
    }
}
