package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;

/**
 * Changes how many copies of one agent of the running testbed run, and touches nothing else.
 *
 * <p>supervisord is given the programs of the start again, unchanged, with copies added or
 * removed; it starts nothing and stops nothing but those. Further copies stand outside the
 * agents' group ({@link org.swf.testbed.port.ProgramRole#REPLICA}), so the group never changes
 * (supervisord restarts every member of a group that changes). The copies added are started and
 * waited for as {@code testbed run} waits for its agents; those removed are stopped by
 * supervisord, with the agents' usual stop (an EXITED heartbeat, then gone).
 */
final class AgentScaler {

    private final OrchestratorSettings settings;
    private final ProcessSupervisor supervisor;
    private final ProgramFactory programs;
    private final TestbedConfigReader reader;
    private final HomeState state;
    private final BrokerConnections connections;
    private final JsonCodec codec;
    private final ProgramWaits waits;

    AgentScaler(OrchestratorSettings settings, ProcessSupervisor supervisor, ProgramFactory programs,
            TestbedConfigReader reader, HomeState state, BrokerConnections connections, JsonCodec codec) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.programs = programs;
        this.reader = reader;
        this.state = state;
        this.connections = connections;
        this.codec = codec;
        this.waits = new ProgramWaits(supervisor, settings);
    }

    ScaleResult scale(String agentKey, int count, StepListener listener) {
        if (agentKey.equals(ProgramFactory.WORKFLOW_RUNNER) || agentKey.equals(ProgramFactory.BROKER)) {
            throw new ConfigException("The " + (agentKey.equals(ProgramFactory.BROKER) ? "broker" : "workflow runner")
                    + " cannot run as several copies: a testbed has one, which every agent talks to. Scale an"
                    + " agent, e.g. 'testbed scale worker " + count + "'");
        }
        if (count < 1 || count > AgentSpec.MAX_REPLICAS) {
            throw new ConfigException("Cannot run " + count + " copies of agent '" + agentKey + "': use 1 to "
                    + AgentSpec.MAX_REPLICAS + " (to run none, set enabled = false in its table and run again)");
        }
        StepTimer timer = new StepTimer(listener, 3);
        timer.time("check supervisord", supervisor::requireInstalled);
        return state.withLock(() -> scaleLocked(agentKey, count, timer), false);
    }

    private ScaleResult scaleLocked(String agentKey, int count, StepTimer timer) {
        RunRecord record = state.readRunRecord().orElseThrow(this::notRunning);
        SupervisorSnapshot snapshot = timer.time("check running programs", supervisor::observe);
        boolean running = snapshot.daemonRunning() && snapshot.active().stream().map(ProgramStatus::name)
                .anyMatch(record.programs()::contains);
        if (!running) {
            throw notRunning();
        }
        List<ProgramSpec> launched = state.readPrograms().map(LaunchedPrograms::programs)
                .orElseThrow(() -> new LifecycleConflictException("The running testbed was started without a list"
                        + " of its programs (by an earlier version of testbed). Run 'testbed stop-agents' and"
                        + " 'testbed run' once; then it can be scaled"));
        List<String> elsewhere = record.otherHosts().entrySet().stream()
                .filter(host -> host.getValue().stream().anyMatch(name -> ProgramFactory.agentCopyOf(name)
                        .filter(copy -> copy.agentKey().equals(agentKey)).isPresent()))
                .map(Map.Entry::getKey).toList();
        if (!elsewhere.isEmpty()) {
            throw new ConfigException("Agent '" + agentKey + "' has copies on other hosts (" + String.join(", ",
                    elsewhere) + "): 'testbed scale' changes the copies of one host only. Change replicas in its"
                    + " table, then 'testbed stop-agents' and 'testbed run'");
        }
        List<ProgramSpec> copies = copiesOf(launched, agentKey);
        if (copies.isEmpty()) {
            List<String> agents = launched.stream().map(p -> ProgramFactory.agentCopyOf(p.name()))
                    .flatMap(Optional::stream).filter(copy -> copy.replica() == 1)
                    .map(ProgramFactory.AgentCopy::agentKey).toList();
            throw new ConfigException("The running testbed (" + record.config() + ") has no agent '" + agentKey
                    + "'. Its agents: " + (agents.isEmpty() ? "none" : String.join(", ", agents))
                    + ". To add one, enable its [agents." + agentKey + "] table and run the testbed again");
        }
        if (count > 1) {
            requireReplicable(record, agentKey, count);
        }
        ProgramSpec first = copies.get(0);
        int before = copies.size();
        List<String> removed = copies.stream().skip(count).map(ProgramSpec::name).toList();
        List<ProgramSpec> added = new ArrayList<>();
        for (int replica = before + 1; replica <= count; replica++) {
            added.add(ProgramFactory.replicaOf(first, replica));
        }
        if (removed.isEmpty() && added.isEmpty()) {
            return new ScaleResult(agentKey, before, count, List.of(), List.of(), timer.steps());
        }
        String lastCopy = copies.get(copies.size() - 1).name();
        List<String> addedNames = added.stream().map(ProgramSpec::name).toList();
        List<ProgramSpec> next = replaced(launched, ProgramSpec::name, lastCopy, removed, added);
        boolean heartbeats = record.heartbeatPrograms().contains(first.name());
        RunRecord nextRecord = record.withPrograms(
                replaced(record.programs(), name -> name, lastCopy, removed, addedNames),
                heartbeats ? replaced(record.heartbeatPrograms(), name -> name, lastCopy, removed, addedNames)
                        : record.heartbeatPrograms());
        String change = removed.isEmpty() ? "add " + String.join(", ", addedNames)
                : "stop and remove " + String.join(", ", removed);
        if (added.isEmpty()) {
            apply(change, next, nextRecord, timer);
        } else if (heartbeats) {
            // Listening before the copies start, so no READY heartbeat goes unheard.
            try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
                HeartbeatWatch watch = new HeartbeatWatch(record.namespace(), codec, settings.readinessTimeout());
                try (MessageBus.Subscription listening = bus.subscribe(Destinations.HEARTBEATS, watch::accept)) {
                    apply(change, next, nextRecord, timer);
                    timer.time("start " + String.join(", ", addedNames), () -> supervisor.spawn(addedNames));
                    timer.time("wait for READY heartbeats", () -> watch.awaitReady(addedNames,
                            settings.readinessTimeout(), () -> waits.failIfCrashed(addedNames)));
                }
            }
        } else {
            apply(change, next, nextRecord, timer);
            timer.time("start " + String.join(", ", addedNames), () -> supervisor.spawn(addedNames));
            timer.time("wait for RUNNING", () -> waits.awaitRunning(addedNames));
        }
        return new ScaleResult(agentKey, before, count, addedNames, removed, timer.steps());
    }

    /** Gives supervisord the new programs (it stops those removed) and records them. */
    private void apply(String change, List<ProgramSpec> next, RunRecord nextRecord, StepTimer timer) {
        timer.time("update supervisord: " + change, () -> supervisor.update(next));
        state.writePrograms(new LaunchedPrograms(next));
        state.writeRunRecord(nextRecord);
    }

    private void requireReplicable(RunRecord record, String agentKey, int count) {
        TestbedConfig config = reader.read(Path.of(record.config()));
        AgentSpec agent = config.agent(agentKey).orElseThrow(() -> new ConfigException(record.config()
                + " no longer has [agents." + agentKey + "], whose agent runs: its copies cannot be made. Run"
                + " 'testbed stop-agents' and 'testbed run' to start the testbed the config describes now"));
        programs.whyNotReplicable(config, agent).ifPresent(why -> {
            throw new ConfigException("Cannot run " + count + " copies of agent '" + agentKey + "': " + why);
        });
    }

    private LifecycleConflictException notRunning() {
        return new LifecycleConflictException("The testbed is not running in " + settings.home() + ". Start it with"
                + " 'testbed run'; an agent's table may say how many copies to start (replicas = N)");
    }

    /** @return the programs of the agent's copies, first copy first */
    private static List<ProgramSpec> copiesOf(List<ProgramSpec> launched, String agentKey) {
        return launched.stream()
                .filter(p -> ProgramFactory.agentCopyOf(p.name()).filter(c -> c.agentKey().equals(agentKey)).isPresent())
                .sorted(Comparator.comparingInt(p -> ProgramFactory.agentCopyOf(p.name()).orElseThrow().replica()))
                .toList();
    }

    /**
     * @return {@code items} without those named in {@code removed}, with {@code added} right after
     *     the item named {@code after} (the agent's last copy), so copies stay together in order
     */
    private static <T> List<T> replaced(List<T> items, java.util.function.Function<T, String> name, String after,
            List<String> removed, List<T> added) {
        List<T> result = new ArrayList<>();
        for (T item : items) {
            if (!removed.contains(name.apply(item))) {
                result.add(item);
            }
            if (name.apply(item).equals(after)) {
                result.addAll(added);
            }
        }
        return result;
    }
}
