package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.control.RunnerClient;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStatus;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.protocol.WorkflowStarted;
import org.swf.testbed.status.ExecutionSnapshot;
import org.swf.testbed.util.Await;

/**
 * Starts, stops and follows workflow executions on a running testbed, through its runner's
 * workflow queue, and reads the executions' records.
 */
final class WorkflowControl {

    /** How many unanswered status requests in a row mean the runner is gone. */
    private static final int SILENT_ANSWERS_TOLERATED = 3;

    private final OrchestratorSettings settings;
    private final ProcessSupervisor supervisor;
    private final ExecutionStore executions;
    private final TestbedConfigReader reader;
    private final HomeState state;
    private final BrokerConnections connections;
    private final JsonCodec codec;

    WorkflowControl(OrchestratorSettings settings, ProcessSupervisor supervisor, ExecutionStore executions,
            TestbedConfigReader reader, HomeState state, BrokerConnections connections, JsonCodec codec) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.executions = executions;
        this.reader = reader;
        this.state = state;
        this.connections = connections;
        this.codec = codec;
    }

    /** Sends {@code run_workflow} for {@code config}'s workflow, with the options' overrides. */
    WorkflowStarted trigger(MessageBus bus, TestbedConfig config, RunOptions options) {
        Map<String, Object> params = new LinkedHashMap<>(config.parameters());
        params.putAll(options.parameters());
        boolean realtime = options.realtime() != null ? options.realtime() : config.workflow().realtime();
        return runner(bus, config.namespace(), options.source()).runWorkflow(config.workflow().name(),
                config.workflow().config(), realtime, 0.0, params);
    }

    RunResult startWorkflow(RunOptions options) {
        StepTimer timer = new StepTimer();
        RunRecord record = runningRecord();
        TestbedConfig config = reader.read(Path.of(record.config()));
        try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
            WorkflowStarted started = timer.time("trigger workflow", () -> trigger(bus, config, options));
            return new RunResult(config.source(), config.namespace(), List.of(), started.executionId(),
                    String.valueOf(started.runId()), timer.steps(), List.of());
        }
    }

    String stopWorkflow(String executionId) {
        RunRecord record = runningRecord();
        try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
            return runner(bus, record.namespace(), "cli").stopWorkflow(executionId).executionId();
        }
    }

    ExecutionRecord follow(String namespace, String executionId, Duration every, Consumer<ExecutionSnapshot> onProgress)
            throws InterruptedException {
        BrokerEndpoint endpoint = state.readRunRecord().map(connections::endpointOf)
                .orElseGet(() -> connections.endpointOf(reader.read((String) null)));
        CountDownLatch never = new CountDownLatch(1);
        int silent = 0;
        try (MessageBus bus = connections.connect(endpoint)) {
            RunnerClient runner = runner(bus, namespace, "cli");
            while (true) {
                try {
                    Reply<RunnerStatus> reply = runner.statusReply(settings.replyTimeout());
                    silent = 0;
                    ExecutionSnapshot current = reply.success() ? reply.result().execution() : null;
                    if (current == null || !executionId.equals(current.executionId())) {
                        return finalRecord(executionId);
                    }
                    onProgress.accept(current);
                    if (!current.running()) {
                        return finalRecord(executionId);
                    }
                } catch (TestbedTimeoutException e) {
                    executions.failAbandoned(RunnerLiveness.ofThisHost());
                    Optional<ExecutionRecord> stored = executions.find(executionId);
                    if (stored.isPresent() && stored.get().status() != ExecutionStatus.RUNNING) {
                        return stored.get();
                    }
                    if (++silent >= SILENT_ANSWERS_TOLERATED) {
                        throw new TestbedTimeoutException("The workflow runner of namespace " + namespace
                                + " stopped answering while " + executionId + " runs. Check it with 'testbed status'");
                    }
                }
                never.await(every.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    List<ExecutionRecord> executions(int limit) {
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        List<ExecutionRecord> recent = executions.recent(limit);
        if (recent.stream().noneMatch(execution -> execution.status() == ExecutionStatus.RUNNING)) {
            return recent;
        }
        // The record's counts are written when an execution ends: a running one is counted by its
        // runner, so that this list and the status agree.
        Optional<ExecutionSnapshot> live = liveExecution();
        return recent.stream().map(execution -> live.filter(snapshot -> execution.status() == ExecutionStatus.RUNNING
                && execution.executionId().equals(snapshot.executionId()))
                .map(snapshot -> withCounts(execution, snapshot.messages())).orElse(execution)).toList();
    }

    /** @return what the running runner reports of its execution; empty when none runs or it does not answer */
    private Optional<ExecutionSnapshot> liveExecution() {
        try {
            RunRecord record = runningRecord();
            try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
                Reply<RunnerStatus> reply = new RunnerClient(bus, codec, record.namespace(), "workflows",
                        settings.replyTimeout()).statusReply(settings.replyTimeout());
                return reply.success() ? Optional.ofNullable(reply.result().execution()) : Optional.empty();
            }
        } catch (TestbedException e) {
            // Not running, or not answering: the stored record is what is known.
            return Optional.empty();
        }
    }

    private static ExecutionRecord withCounts(ExecutionRecord execution, Map<String, Integer> counts) {
        return new ExecutionRecord(execution.executionId(), execution.workflowName(), execution.namespace(),
                execution.user(), execution.runId(), execution.status(), execution.startedAt(), execution.endedAt(),
                execution.parameters(), counts, execution.runnerPid(), execution.runnerStartedAt(),
                execution.hostname(), execution.failure());
    }

    /** @throws LifecycleConflictException when no workflow runner of this home runs */
    RunRecord runningRecord() {
        Optional<RunRecord> record = state.readRunRecord();
        if (record.isEmpty() || !supervisor.observe().active().stream()
                .anyMatch(program -> program.name().equals(ProgramFactory.WORKFLOW_RUNNER))) {
            throw new LifecycleConflictException("The testbed is not running in " + settings.home()
                    + ". Start it with 'testbed run'");
        }
        return record.get();
    }

    private ExecutionRecord finalRecord(String executionId) {
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        // The runner records the end just after it reports it; allow it a moment.
        return Await.until("the record of " + executionId + " to show its end", settings.replyTimeout(), () ->
                executions.find(executionId).filter(r -> r.status() != ExecutionStatus.RUNNING));
    }

    private RunnerClient runner(MessageBus bus, String namespace, String source) {
        return new RunnerClient(bus, codec, namespace, source, settings.replyTimeout());
    }
}
