package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerPorts;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.control.RunnerClient;
import org.swf.testbed.heartbeat.HeartbeatTable;
import org.swf.testbed.lifecycle.LifecycleState;
import org.swf.testbed.port.DaemonState;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramState;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.status.AgentLiveness;
import org.swf.testbed.status.ExecutionSnapshot;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.status.TestbedStatus;

/**
 * Observes the testbed as it is now: supervisord's state of every program joined with what
 * the workflow runner reports of itself, its execution and the agents' heartbeats. Nothing is
 * remembered from an earlier call.
 */
final class StatusObserver {

    private static final int FAILING_LOG_LINES = 10;

    private final OrchestratorSettings settings;
    private final ProcessSupervisor supervisor;
    private final ExecutionStore executions;
    private final HomeState state;
    private final BrokerConnections connections;
    private final JsonCodec codec;
    private final LoopbackRunnerStatus loopback;
    private final OtherHosts otherHosts;

    StatusObserver(OrchestratorSettings settings, ProcessSupervisor supervisor, ExecutionStore executions,
            HomeState state, BrokerConnections connections, JsonCodec codec, OtherHosts otherHosts) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.executions = executions;
        this.state = state;
        this.connections = connections;
        this.codec = codec;
        this.loopback = new LoopbackRunnerStatus(new HomeMonitor(settings.stateDirectory()), codec,
                settings.replyTimeout());
        this.otherHosts = otherHosts;
    }

    /**
     * @param thisHostOnly true for this host's programs only; false to add those of the other
     *     hosts of a testbed spread over several, as their agent managers report them
     */
    TestbedStatus status(boolean thisHostOnly) {
        supervisor.requireInstalled();
        Optional<RunRecord> record = state.readRunRecord();
        SupervisorSnapshot snapshot = supervisor.observe();
        List<String> problems = new ArrayList<>();
        daemonProblem(snapshot).ifPresent(problems::add);
        Boolean brokerReachable = null;
        RunnerStatus runner = null;
        // A broker running alone (held by the agent manager) has no runner to ask.
        List<ProgramStatus> testbedPrograms = BrokerProgram.others(snapshot);
        Optional<LoopbackRunnerStatus.Page> page = Optional.empty();
        if (record.isPresent() && record.get().monitorPort() != null
                && runnerRuns(testbedPrograms)) {
            page = loopback.fetch(record.get().monitorPort());
        }
        if (page.isPresent()) {
            runner = page.get().runner();
            brokerReachable = page.get().brokerConnected();
            if (!brokerReachable) {
                problems.add("The workflow runner has lost its connection to the broker at " + record.get().brokerUrl()
                        + "; it reconnects on its own once the broker answers");
            }
        } else if (record.isPresent() && testbedPrograms.stream().anyMatch(p -> p.state().isActive())) {
            try (MessageBus bus = connections.connect(connections.endpointOf(record.get()))) {
                brokerReachable = true;
                runner = askRunner(bus, record.get().namespace());
            } catch (ServiceUnavailableException e) {
                brokerReachable = false;
                problems.add(e.getMessage());
            } catch (TestbedException e) {
                problems.add("The workflow runner did not answer: " + e.getMessage());
            }
        }
        if (runner == null) {
            // A runner that died (killed, crashed) left its execution "running": it failed. A
            // runner that answers keeps its own records.
            executions.failAbandoned(RunnerLiveness.ofThisHost());
        }
        // A runner lists one instance per program, but one of another version may list an old
        // instance beside its replacement: the newest heartbeat decides, never the list's order.
        Map<String, AgentLiveness> heartbeatsByProgram = runner == null ? Map.of()
                : HeartbeatTable.newestByProgram(runner.agents());
        List<String> heartbeatPrograms = record.map(RunRecord::heartbeatPrograms).orElse(List.of());
        List<ProgramReport> reports = new ArrayList<>();
        for (ProgramStatus program : ordered(snapshot.programs(), record)) {
            AgentLiveness heartbeat = heartbeatsByProgram.get(program.name());
            String operational = heartbeat == null ? null : heartbeat.operationalState();
            boolean isRunner = program.name().equals(ProgramFactory.WORKFLOW_RUNNER);
            if (isRunner && runner != null && runner.operationalState() != null) {
                operational = runner.operationalState();
            }
            Long age = heartbeat == null ? null : heartbeat.secondsSinceHeartbeat();
            boolean silent = runner != null && program.state() == ProgramState.RUNNING
                    && heartbeatPrograms.contains(program.name()) && !isRunner && heartbeat == null;
            if (silent) {
                problems.add(program.name() + " runs but has sent no heartbeat lately");
            }
            boolean failing = program.state().isFailing() || program.state() == ProgramState.ORPHANED
                    || program.state() == ProgramState.EXITED || silent || "EXITED".equals(operational);
            List<String> tail = failing ? supervisor.logTail(program.name(), FAILING_LOG_LINES) : List.of();
            String agent = ProgramFactory.agentCopyOf(program.name()).map(ProgramFactory.AgentCopy::agentKey)
                    .orElse(null);
            reports.add(new ProgramReport(program.name(), program.state().name(), program.pid(),
                    program.uptime().toSeconds(), program.detail(), failing, operational, age, tail, agent,
                    record.map(RunRecord::host).orElse(null)));
        }
        if (!thisHostOnly && record.isPresent() && !record.get().otherHosts().isEmpty()) {
            reports.addAll(otherHostsPrograms(record.get(), problems));
        }
        ExecutionSnapshot execution = runner == null ? null : runner.execution();
        return new TestbedStatus(LifecycleState.observe(testbedPrograms).name(), snapshot.daemonRunning(),
                record.map(RunRecord::config).orElse(null), record.map(RunRecord::namespace).orElse(null),
                record.map(RunRecord::brokerUrl).orElse(null),
                record.map(RunRecord::brokerPorts).map(BrokerPorts::stompPort).orElse(null), brokerReachable, reports,
                runner == null ? null : runner.operationalState(), execution, problems, snapshot.daemon().name());
    }

    /**
     * @return the programs of the other hosts, as their agent managers report them; those of a
     *     host whose manager does not answer as UNKNOWN, with a problem naming the host and the fix
     */
    private List<ProgramReport> otherHostsPrograms(RunRecord record, List<String> problems) {
        List<ProgramReport> reports = new ArrayList<>();
        try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
            record.otherHosts().forEach((host, programs) -> {
                List<ProgramReport> there = otherHosts.status(bus, host, programs);
                if (there.stream().anyMatch(program -> "UNKNOWN".equals(program.state()))) {
                    problems.add(host + "'s agent manager does not answer: its programs (" + String.join(", ",
                            programs) + ") are not observed. To see them, "
                            + otherHosts.startItsManager(host, Path.of(record.config())));
                }
                reports.addAll(there);
            });
        } catch (ServiceUnavailableException e) {
            problems.add("The other hosts (" + String.join(", ", record.otherHosts().keySet())
                    + ") cannot be asked: " + e.getMessage());
        }
        return reports;
    }

    private static boolean runnerRuns(List<ProgramStatus> programs) {
        return programs.stream().anyMatch(program -> program.name().equals(ProgramFactory.WORKFLOW_RUNNER)
                && program.state() == ProgramState.RUNNING);
    }

    /** @return what is wrong with supervisord itself, in words that say what to do; empty when it answered */
    private Optional<String> daemonProblem(SupervisorSnapshot snapshot) {
        String daemon = "supervisord" + (snapshot.daemonPid() > 0 ? " (pid " + snapshot.daemonPid() + ")" : "");
        String detail = snapshot.daemonDetail().isEmpty() ? "" : ": " + snapshot.daemonDetail();
        return switch (snapshot.daemon()) {
            case RUNNING -> Optional.empty();
            case NOT_RUNNING -> Optional.of("supervisord is not running for " + settings.home());
            case SHUTTING_DOWN -> Optional.of(daemon + " is shutting down" + detail + "; it stops its programs and"
                    + " exits. 'testbed stop-agents' finishes the job if it does not");
            case HUNG -> Optional.of(daemon + " is not answering" + detail + ". Its programs run unsupervised;"
                    + " 'testbed stop-agents' stops them and it");
        };
    }

    /**
     * @return {@code running} when supervisord answers, {@code idle} when none runs and nothing
     *     is left behind, {@code error} when programs run without their supervisord or it does not
     *     answer
     */
    String supervisordHealth() {
        supervisor.requireInstalled();
        SupervisorSnapshot snapshot = supervisor.observe();
        if (snapshot.daemonRunning()) {
            return "running";
        }
        if (snapshot.daemon() == DaemonState.HUNG) {
            return "error";
        }
        return snapshot.programs().stream().anyMatch(p -> p.state() == ProgramState.ORPHANED) ? "error" : "idle";
    }

    /** @return the runner's answer, or null when it answered with a failure */
    private RunnerStatus askRunner(MessageBus bus, String namespace) {
        RunnerClient client = new RunnerClient(bus, codec, namespace, "status", settings.replyTimeout());
        Reply<RunnerStatus> reply = client.statusReply(settings.replyTimeout());
        return reply.success() ? reply.result() : null;
    }

    private static List<ProgramStatus> ordered(List<ProgramStatus> programs, Optional<RunRecord> record) {
        List<String> order = record.map(RunRecord::programs).orElse(List.of());
        List<ProgramStatus> sorted = new ArrayList<>(programs);
        sorted.sort((a, b) -> Integer.compare(rank(order, a.name()), rank(order, b.name())));
        return sorted;
    }

    private static int rank(List<String> order, String name) {
        int index = order.indexOf(name);
        if (index < 0 && name.equals(ProgramFactory.BROKER)) {
            // A broker the last run did not start (the agent manager's) still comes first.
            return -1;
        }
        return index < 0 ? Integer.MAX_VALUE : index;
    }
}
