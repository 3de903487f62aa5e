package org.swf.testbed.agents.runner;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.swf.testbed.ConfigException;
import org.swf.testbed.agents.Agent;
import org.swf.testbed.agents.AgentMessage;
import org.swf.testbed.agents.AgentRuntime;
import org.swf.testbed.agents.monitor.AgentHeartbeats;
import org.swf.testbed.agents.monitor.RunnerStatusPage;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.config.WorkflowParameters;
import org.swf.testbed.heartbeat.HeartbeatTable;
import org.swf.testbed.port.Clock;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.protocol.Command;
import org.swf.testbed.protocol.Destination;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.ErrorCode;
import org.swf.testbed.protocol.Heartbeat;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.MalformedMessageException;
import org.swf.testbed.protocol.MessageType;
import org.swf.testbed.protocol.OperationalState;
import org.swf.testbed.protocol.RunWorkflow;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.protocol.StatusRequest;
import org.swf.testbed.protocol.StopWorkflow;
import org.swf.testbed.protocol.UnknownCommandException;
import org.swf.testbed.protocol.WorkflowStarted;
import org.swf.testbed.protocol.WorkflowStopping;
import org.swf.testbed.time.SystemClock;
import org.swf.testbed.time.VirtualClock;

/**
 * The workflow runner agent: consumes its namespace's workflow queue, answers every command,
 * and runs one workflow execution at a time on its own thread.
 *
 * <p>{@code run_workflow} is answered with the new execution id before the simulation starts;
 * {@code stop_workflow} stops it at the next step; {@code status_request} returns the runner's
 * state, the current (or last) execution, and the liveness of the namespace's agents as their
 * heartbeats report it: one entry per program, from its newest live instance.
 */
public final class WorkflowRunner implements Agent {

    /** The one workflow this runner implements. */
    public static final String STF_DATATAKING = "stf_datataking";
    /** The agent type the original runner reports. */
    public static final String AGENT_TYPE = "DAQ_Simulator";

    private static final System.Logger LOG = System.getLogger(WorkflowRunner.class.getName());
    /** Why an execution the runner's shutdown cut short has no end_run. */
    private static final String SHUT_DOWN = "runner shut down before the run could end";

    private final ConfigLocator locator;
    private final TestbedConfig testbed;
    private final ExecutionStore executionStore;
    private final JsonCodec codec;
    private final HeartbeatTable heartbeats;
    private final ScheduledThreadPoolExecutor executions = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "workflow-execution");
        thread.setDaemon(true);
        return thread;
    });
    private final AgentHeartbeats postedHeartbeats;
    private final RunnerStatusPage statusPage;
    private final AutoCloseable monitorApi;
    private volatile ExecutionProgress current;
    private volatile CountDownLatch stopCurrent = new CountDownLatch(0);

    /**
     * A runner whose agents send heartbeats at the default interval.
     *
     * @param locator resolves workflow parameter configs
     * @param testbed the testbed config this runner was started with
     * @param executionStore allocates execution and run numbers and keeps the execution records
     * @param codec the JSON codec
     */
    public WorkflowRunner(ConfigLocator locator, TestbedConfig testbed, ExecutionStore executionStore, JsonCodec codec) {
        this(locator, testbed, executionStore, codec, TestbedEnvironment.DEFAULT_HEARTBEAT);
    }

    /**
     * @param locator resolves workflow parameter configs
     * @param testbed the testbed config this runner was started with
     * @param executionStore allocates execution and run numbers and keeps the execution records
     * @param codec the JSON codec
     * @param heartbeatInterval how often the namespace's agents send heartbeats: an agent silent
     *     for several intervals is no longer reported
     */
    public WorkflowRunner(ConfigLocator locator, TestbedConfig testbed, ExecutionStore executionStore, JsonCodec codec,
            Duration heartbeatInterval) {
        this(locator, testbed, executionStore, codec, heartbeatInterval, null, null);
    }

    /**
     * A runner that also serves the home's monitor API: heartbeats its agents POST there are
     * published on the heartbeat topic once the runner is on the broker, and the API stops with
     * the runner.
     *
     * @param locator resolves workflow parameter configs
     * @param testbed the testbed config this runner was started with
     * @param executionStore allocates execution and run numbers and keeps the execution records
     * @param codec the JSON codec
     * @param heartbeatInterval how often the namespace's agents send heartbeats
     * @param postedHeartbeats the heartbeats POSTed to the monitor API, or null when it is not served
     * @param monitorApi the monitor API's server, closed with the runner, or null
     */
    public WorkflowRunner(ConfigLocator locator, TestbedConfig testbed, ExecutionStore executionStore, JsonCodec codec,
            Duration heartbeatInterval, AgentHeartbeats postedHeartbeats, AutoCloseable monitorApi) {
        this(locator, testbed, executionStore, codec, heartbeatInterval, postedHeartbeats, monitorApi, null);
    }

    /**
     * A runner that serves the home's monitor API and, on it, its own status for {@code testbed
     * status} (see {@link RunnerStatusPage}).
     *
     * @param locator resolves workflow parameter configs
     * @param testbed the testbed config this runner was started with
     * @param executionStore allocates execution and run numbers and keeps the execution records
     * @param codec the JSON codec
     * @param heartbeatInterval how often the namespace's agents send heartbeats
     * @param postedHeartbeats the heartbeats POSTed to the monitor API, or null when it is not served
     * @param monitorApi the monitor API's server, closed with the runner, or null
     * @param statusPage where the runner's status is served once it is on the broker, or null
     */
    public WorkflowRunner(ConfigLocator locator, TestbedConfig testbed, ExecutionStore executionStore, JsonCodec codec,
            Duration heartbeatInterval, AgentHeartbeats postedHeartbeats, AutoCloseable monitorApi,
            RunnerStatusPage statusPage) {
        this.statusPage = statusPage;
        this.postedHeartbeats = postedHeartbeats;
        this.monitorApi = monitorApi;
        this.locator = locator;
        this.testbed = testbed;
        this.executionStore = executionStore;
        this.codec = codec;
        this.heartbeats = HeartbeatTable.forInterval(heartbeatInterval);
        // A run's duration timer still pending at shutdown would otherwise hold close() until it fires.
        executions.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public String agentType() {
        return AGENT_TYPE;
    }

    @Override
    public List<Destination> subscriptions(String namespace) {
        return List.of(Destinations.HEARTBEATS, Destinations.workflowControl(namespace));
    }

    @Override
    public void started(AgentRuntime runtime) {
        // Agents that reported READY before this runner subscribed would otherwise stay unknown
        // to status requests until their next periodic heartbeat.
        runtime.requestHeartbeats();
        if (statusPage != null) {
            statusPage.serve(() -> {
                Map<String, Object> page = new LinkedHashMap<>();
                page.put(RunnerStatusPage.RUNNER, codec.decodeObject(codec.encode(status(runtime))));
                page.put(RunnerStatusPage.BROKER_CONNECTED, runtime.brokerConnected());
                return page;
            });
        }
        if (postedHeartbeats != null) {
            postedHeartbeats.publishThrough(heartbeat -> {
                try {
                    runtime.send(Destinations.HEARTBEATS, heartbeat);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Cannot publish the heartbeat {0} POSTed to the monitor API: {1}",
                            heartbeat.instanceName(), e.getMessage());
                }
            });
        }
    }

    @Override
    public void heartbeatsRequested(AgentRuntime runtime) {
        if (postedHeartbeats != null) {
            postedHeartbeats.republish();
        }
    }

    @Override
    public void handle(AgentMessage message, AgentRuntime runtime) {
        MessageType type = message.type().orElse(null);
        if (type == null) {
            runtime.replyError(message, message.msgType() == null ? ErrorCode.MALFORMED : ErrorCode.UNKNOWN_COMMAND,
                    message.msgType() == null ? "The message has no msg_type. Send run_workflow, stop_workflow or status_request"
                            : "Unknown command '" + message.msgType() + "'. The runner understands run_workflow,"
                            + " stop_workflow and status_request");
            return;
        }
        if (type == MessageType.HEARTBEAT) {
            remember(message);
            return;
        }
        if (type == MessageType.HEARTBEAT_REQUEST) {
            return; // answered by the runtime
        }
        Command<?> command;
        try {
            command = codec.decodeCommand(message.fields());
        } catch (UnknownCommandException e) {
            command = null;
        } catch (MalformedMessageException e) {
            runtime.replyError(message, ErrorCode.MALFORMED, e.getMessage());
            return;
        }
        if (command != null && command.envelope().expired(Instant.now())) {
            // Its sender gave up: acting now would start what nobody waits for (a run_workflow left
            // on the queue while no runner ran, or redelivered after a crash).
            LOG.log(Level.INFO, command.envelope().discardedLine(command.type().wireName()));
            return;
        }
        if (command instanceof RunWorkflow run) {
            runWorkflow(run, message, runtime);
        } else if (command instanceof StopWorkflow stop) {
            stopWorkflow(stop, message, runtime);
        } else if (command instanceof StatusRequest) {
            runtime.replyOk(message, status(runtime));
        } else {
            runtime.replyError(message, ErrorCode.UNKNOWN_COMMAND, "The runner does not handle "
                    + message.msgType() + ". Send run_workflow, stop_workflow or status_request");
        }
    }

    private void remember(AgentMessage message) {
        try {
            Heartbeat heartbeat = codec.convert(message.fields(), Heartbeat.class);
            heartbeats.record(heartbeat);
        } catch (MalformedMessageException e) {
            LOG.log(Level.DEBUG, "Ignored an unreadable heartbeat: {0}", e.getMessage());
        }
    }

    private synchronized void runWorkflow(RunWorkflow command, AgentMessage message, AgentRuntime runtime) {
        if (executions.isShutdown()) {
            runtime.replyError(message, ErrorCode.UNAVAILABLE, "The workflow runner is shutting down. Start the"
                    + " testbed again with 'testbed run'");
            return;
        }
        ExecutionProgress running = current;
        if (running != null && running.running()) {
            runtime.replyError(message, ErrorCode.BUSY, "Workflow execution " + running.executionId()
                    + " is still running. Stop it first (stop_workflow) or wait until it ends");
            return;
        }
        String workflow = command.workflowName() == null ? testbed.workflow().name() : command.workflowName();
        if (!STF_DATATAKING.equals(workflow)) {
            runtime.replyError(message, ErrorCode.INVALID_CONFIG, "Unknown workflow '" + workflow
                    + "'. This runner runs: " + STF_DATATAKING);
            return;
        }
        // Without a config the testbed's own [workflow] config applies, as `testbed run` would send it.
        String configName = command.config() != null ? command.config()
                : workflow.equals(testbed.workflow().name()) ? testbed.workflow().config() : workflow + "_default";
        WorkflowParameters parameters;
        try {
            parameters = WorkflowParameters.resolve(locator, configName, testbed, command.params());
        } catch (ConfigException e) {
            runtime.replyError(message, ErrorCode.INVALID_CONFIG, e.getMessage());
            return;
        }
        long periods = parameters.integer("physics_period_count", 1);
        long expected = parameters.integer("stf_count", 0) * periods;
        String user = runtime.identity().user();
        ExecutionStore.Allocation numbers = executionStore.allocate();
        String executionId = ExecutionRecord.executionId(workflow, user, numbers.executionNumber());
        String runId = Long.toString(numbers.runNumber());
        boolean realtime = command.realtime();
        Clock clock = realtime ? new SystemClock() : new VirtualClock(Instant.now());
        Instant startedAt = Instant.now();
        ExecutionProgress progress = new ExecutionProgress(executionId, runId, workflow, testbed.namespace(),
                realtime, expected, startedAt);
        executionStore.started(new ExecutionRecord(executionId, workflow, testbed.namespace(), user, runId,
                ExecutionStatus.RUNNING, startedAt, null, parameters.daq(), Map.of(), runtime.identity().pid(),
                ProcessHandle.current().info().startInstant().orElse(null), runtime.identity().hostname(), null));
        CountDownLatch stop = new CountDownLatch(1);
        current = progress;
        stopCurrent = stop;
        runtime.setState(OperationalState.PROCESSING);

        runtime.replyOk(message, new WorkflowStarted(executionId, runId, workflow, configName, testbed.namespace(),
                realtime));
        LOG.log(Level.INFO, "Starting {0} (run {1}, {2})", executionId, runId, realtime ? "real time" : "fast mode");

        if (command.duration() > 0) {
            executions.schedule(stop::countDown, Math.round(command.duration() * 1000), TimeUnit.MILLISECONDS);
        }
        // Real time paces itself; a virtual clock waits for the broadcasts' subscribers.
        BroadcastPacer pacer = realtime ? BroadcastPacer.NONE
                : new BroadcastPacer(() -> runtime.undelivered(Destinations.EPICTOPIC), BroadcastPacer.LONGEST_WAIT);
        DaqSimulator simulator = new DaqSimulator(parameters, clock, stop,
                broadcast -> runtime.send(Destinations.EPICTOPIC, broadcast), progress,
                runtime.identity().instanceName(), pacer);
        executions.execute(() -> execute(simulator, progress, runtime));
    }

    private void execute(DaqSimulator simulator, ExecutionProgress progress, AgentRuntime runtime) {
        try {
            boolean completed = simulator.run();
            progress.ended(completed ? ExecutionStatus.COMPLETED : ExecutionStatus.TERMINATED, Instant.now(), null);
            LOG.log(Level.INFO, "{0} {1}", progress.executionId(), completed ? "completed" : "terminated");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.ended(ExecutionStatus.TERMINATED, Instant.now(), "runner shutting down");
        } catch (RuntimeException e) {
            if (executions.isShutdown()) {
                // The runner was stopped and its bus closed under a send the broker never answered:
                // the execution was stopped, not broken, as close() has already recorded it.
                LOG.log(Level.INFO, "{0} ended by the runner's shutdown: {1}", progress.executionId(), e.toString());
                progress.ended(ExecutionStatus.TERMINATED, Instant.now(), SHUT_DOWN);
            } else {
                LOG.log(Level.ERROR, "Execution " + progress.executionId() + " failed", e);
                progress.ended(ExecutionStatus.FAILED, Instant.now(), e.toString());
            }
        } finally {
            try {
                executionStore.finished(progress.executionId(), progress.status(), progress.endedAt(),
                        progress.messageCounts(), progress.failure());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Cannot record the end of " + progress.executionId(), e);
            }
            runtime.setState(OperationalState.READY);
        }
    }

    private void stopWorkflow(StopWorkflow command, AgentMessage message, AgentRuntime runtime) {
        ExecutionProgress running = current;
        if (running == null || !running.running()) {
            runtime.replyError(message, ErrorCode.NOT_RUNNING, "No workflow is running in namespace "
                    + testbed.namespace() + ", so there is nothing to stop");
            return;
        }
        if (command.executionId() != null && !command.executionId().equals(running.executionId())) {
            runtime.replyError(message, ErrorCode.NOT_RUNNING, "Execution " + command.executionId()
                    + " is not running; the running one is " + running.executionId());
            return;
        }
        stopCurrent.countDown();
        runtime.replyOk(message, new WorkflowStopping(running.executionId(), true));
    }

    private RunnerStatus status(AgentRuntime runtime) {
        ExecutionProgress execution = current;
        return new RunnerStatus(testbed.namespace(), runtime.state().name(),
                execution == null ? null : execution.snapshot(), heartbeats.liveness());
    }

    /**
     * Stops a running execution at its next step, so it sends {@code end_run} and records its end
     * as terminated, and waits for that at most three quarters of {@code deadline}. An execution
     * that cannot end by then (its {@code end_run} stuck on a broker that does not answer) is
     * recorded terminated here, in the last quarter: a runner stopped on purpose never leaves its
     * execution to be found running and marked failed.
     */
    @Override
    public void close(Duration deadline) {
        stopCurrent.countDown();
        executions.shutdown();
        boolean ended;
        try {
            ended = executions.awaitTermination(deadline.multipliedBy(3).dividedBy(4).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        ExecutionProgress running = current;
        if (!ended && running != null && running.running()) {
            LOG.log(Level.WARNING, "{0} did not end within {1} ms of the stop; recording it terminated without its"
                    + " end_run", running.executionId(), deadline.toMillis());
            running.ended(ExecutionStatus.TERMINATED, Instant.now(), SHUT_DOWN);
            try {
                executionStore.finished(running.executionId(), running.status(), running.endedAt(),
                        running.messageCounts(), running.failure());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Cannot record the end of " + running.executionId(), e);
            }
        }
        // Last: the agents stopping beside the runner still report their exit through it.
        if (monitorApi != null) {
            try {
                monitorApi.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "Cannot stop the monitor API: {0}", e.toString());
            }
        }
    }
}
