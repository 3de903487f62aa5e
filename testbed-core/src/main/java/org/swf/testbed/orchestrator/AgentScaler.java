package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.config.AgentSpec;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.port.ProgramSpec;
import org.swf.testbed.port.ProgramStatus;
import org.swf.testbed.port.SupervisorSnapshot;
import org.swf.testbed.protocol.AgentScaled;
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
 *
 * <p>In a testbed spread over hosts, copy N goes where the agent's {@code hosts} put it; the
 * other hosts' agent managers add or remove theirs ({@link org.swf.testbed.protocol.ScaleAgent}),
 * all at once, after every one of them has answered.
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
    private final OtherHosts otherHosts;

    AgentScaler(OrchestratorSettings settings, ProcessSupervisor supervisor, ProgramFactory programs,
            TestbedConfigReader reader, HomeState state, BrokerConnections connections, JsonCodec codec,
            OtherHosts otherHosts) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.programs = programs;
        this.reader = reader;
        this.state = state;
        this.connections = connections;
        this.codec = codec;
        this.waits = new ProgramWaits(supervisor, settings);
        this.otherHosts = otherHosts;
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

    /**
     * Runs exactly the named copies of an agent on this host, as the host that scales a testbed
     * spread over several asks.
     */
    AgentScaled scaleThisHost(String agentKey, List<String> copies, StepListener listener) {
        StepTimer timer = new StepTimer(listener, 3);
        timer.time("check supervisord", supervisor::requireInstalled);
        return state.withLock(() -> {
            RunRecord record = runningRecord(timer);
            List<ProgramSpec> launched = launchedPrograms();
            AgentSpec agent = agentOf(record, agentKey);
            Change change = applyHere(record, launched, agent, copies, timer);
            return new AgentScaled(change.started(), change.stopped());
        }, false);
    }

    private ScaleResult scaleLocked(String agentKey, int count, StepTimer timer) {
        RunRecord record = runningRecord(timer);
        List<ProgramSpec> launched = launchedPrograms();
        String thisHost = otherHosts.thisHost();
        // Where each copy runs now: here, or on the host the record names.
        Map<Integer, String> hostOfCopy = new TreeMap<>();
        launched.forEach(program -> copyOf(program.name(), agentKey).ifPresent(copy -> hostOfCopy.put(copy, thisHost)));
        record.otherHosts().forEach((host, names) -> names.forEach(name -> copyOf(name, agentKey)
                .ifPresent(copy -> hostOfCopy.put(copy, host))));
        if (hostOfCopy.isEmpty()) {
            List<String> agents = new ArrayList<>();
            launched.forEach(program -> firstCopyKey(program.name()).ifPresent(agents::add));
            record.otherHosts().values().forEach(names -> names.forEach(name -> firstCopyKey(name)
                    .ifPresent(agents::add)));
            throw new ConfigException("The running testbed (" + record.config() + ") has no agent '" + agentKey
                    + "'. Its agents: " + (agents.isEmpty() ? "none" : String.join(", ", agents))
                    + ". To add one, enable its [agents." + agentKey + "] table and run the testbed again");
        }
        AgentSpec agent = agentOf(record, agentKey);
        if (count > 1) {
            TestbedConfig config = reader.read(Path.of(record.config()));
            programs.whyNotReplicable(config, agent).ifPresent(why -> {
                throw new ConfigException("Cannot run " + count + " copies of agent '" + agentKey + "': " + why);
            });
        }
        int before = hostOfCopy.size();
        String startingHost = startingHost(record, launched, thisHost);
        // Copies that stay keep their host; new ones go where the agent's hosts put them.
        Map<String, List<String>> wanted = new TreeMap<>();
        hostOfCopy.values().forEach(host -> wanted.putIfAbsent(host, new ArrayList<>()));
        for (int replica = 1; replica <= count; replica++) {
            String host = hostOfCopy.containsKey(replica) ? hostOfCopy.get(replica)
                    : agent.hostOf(replica).orElse(startingHost);
            wanted.computeIfAbsent(host, h -> new ArrayList<>()).add(ProgramFactory.agentProgram(agentKey, replica));
        }
        Map<String, List<String>> elsewhere = new TreeMap<>(wanted);
        List<String> here = Optional.ofNullable(elsewhere.remove(thisHost)).orElse(List.of());
        // Only hosts whose copies change are asked.
        elsewhere.entrySet().removeIf(host -> host.getValue().equals(copiesOn(record.otherHosts()
                .getOrDefault(host.getKey(), List.of()), agentKey)));
        List<String> strangers = elsewhere.keySet().stream().filter(host -> !record.otherHosts().containsKey(host))
                .toList();
        if (!strangers.isEmpty()) {
            // Such a host has no supervisord of this testbed to take a copy: it was never started there.
            throw new ConfigException("Nothing changed: " + String.join(", ", strangers) + " runs no program of this"
                    + " testbed, so it cannot take a copy of agent '" + agentKey + "'. Start the testbed with at least"
                    + " as many copies as the agent has hosts (replicas in its table), then scale");
        }
        List<String> started = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        RunRecord recorded = record;
        if (!elsewhere.isEmpty()) {
            try (MessageBus bus = connections.connect(connections.endpointOf(record))) {
                Map<String, String> silent = timer.time("ask the agent managers of " + String.join(", ",
                        elsewhere.keySet()), () -> otherHosts.unanswered(bus, elsewhere.keySet()));
                if (!silent.isEmpty()) {
                    throw new ServiceUnavailableException("Nothing changed: " + String.join(". ", silent.entrySet()
                            .stream().map(host -> host.getKey() + "'s agent manager does not answer (" + host.getValue()
                                    + "); " + otherHosts.startItsManager(host.getKey(),
                                    Path.of(record.config()))).toList()));
                }
                Map<String, AgentScaled> done = timer.time("have " + String.join(", ", elsewhere.keySet())
                        + " run their copies", () -> otherHosts.scale(bus, agentKey, elsewhere));
                done.values().forEach(change -> {
                    started.addAll(change.started());
                    stopped.addAll(change.stopped());
                });
            }
            Map<String, List<String>> others = new TreeMap<>(record.otherHosts());
            elsewhere.forEach((host, copies) -> {
                List<String> names = new ArrayList<>(others.getOrDefault(host, List.of()).stream()
                        .filter(name -> copyOf(name, agentKey).isEmpty()).toList());
                names.addAll(copies);
                others.put(host, names);
            });
            recorded = record.withOtherHosts(others);
            state.writeRunRecord(recorded);
        }
        if (!here.equals(copiesOn(launched.stream().map(ProgramSpec::name).toList(), agentKey))) {
            Change change = applyHere(recorded, launched, agent, here, timer);
            started.addAll(change.started());
            stopped.addAll(change.stopped());
        }
        return new ScaleResult(agentKey, before, count, sorted(started), sorted(stopped), timer.steps());
    }

    /**
     * Runs exactly {@code copies} of the agent on this host: supervisord gets the programs of the
     * start again with copies added or removed; the added ones are started and waited for.
     */
    private Change applyHere(RunRecord record, List<ProgramSpec> launched, AgentSpec agent, List<String> copies,
            StepTimer timer) {
        String agentKey = agent.key();
        List<ProgramSpec> current = launched.stream().filter(p -> copyOf(p.name(), agentKey).isPresent())
                .sorted(Comparator.comparingInt(p -> copyOf(p.name(), agentKey).orElseThrow())).toList();
        List<String> removed = current.stream().map(ProgramSpec::name).filter(name -> !copies.contains(name))
                .toList();
        List<String> currentNames = current.stream().map(ProgramSpec::name).toList();
        List<ProgramSpec> added = new ArrayList<>();
        if (copies.stream().anyMatch(name -> !currentNames.contains(name))) {
            ProgramSpec first = current.stream().filter(p -> copyOf(p.name(), agentKey).orElseThrow() == 1)
                    .findFirst().orElseGet(() -> programs.agent(reader.read(Path.of(record.config())), agent));
            for (String name : copies) {
                if (!currentNames.contains(name)) {
                    added.add(ProgramFactory.replicaOf(first, copyOf(name, agentKey).orElseThrow(
                            () -> new ConfigException("'" + name + "' is not a copy of agent '" + agentKey + "'"))));
                }
            }
        }
        if (removed.isEmpty() && added.isEmpty()) {
            return new Change(List.of(), List.of());
        }
        // Added copies go after the agent's last one here (or at the end), so copies stay together.
        String after = current.isEmpty() ? launched.get(launched.size() - 1).name()
                : current.get(current.size() - 1).name();
        List<String> addedNames = added.stream().map(ProgramSpec::name).toList();
        List<ProgramSpec> next = replaced(launched, ProgramSpec::name, after, removed, added);
        boolean heartbeats = programs.readyByHeartbeat(agent);
        List<String> heartbeatPrograms = new ArrayList<>(record.heartbeatPrograms());
        heartbeatPrograms.removeAll(removed);
        if (heartbeats) {
            heartbeatPrograms.addAll(addedNames);
        }
        RunRecord nextRecord = record.withPrograms(replaced(record.programs(), name -> name, after, removed,
                addedNames), heartbeatPrograms);
        String change = removed.isEmpty() ? "add " + String.join(", ", addedNames)
                : "stop and remove " + String.join(", ", removed)
                        + (addedNames.isEmpty() ? "" : ", add " + String.join(", ", addedNames));
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
        return new Change(addedNames, removed);
    }

    /** Gives supervisord the new programs (it stops those removed) and records them. */
    private void apply(String change, List<ProgramSpec> next, RunRecord nextRecord, StepTimer timer) {
        timer.time("update supervisord: " + change, () -> supervisor.update(next));
        state.writePrograms(new LaunchedPrograms(next));
        state.writeRunRecord(nextRecord);
    }

    private RunRecord runningRecord(StepTimer timer) {
        RunRecord record = state.readRunRecord().orElseThrow(this::notRunning);
        SupervisorSnapshot snapshot = timer.time("check running programs", supervisor::observe);
        boolean running = snapshot.daemonRunning() && snapshot.active().stream().map(ProgramStatus::name)
                .anyMatch(record.programs()::contains);
        if (!running) {
            throw notRunning();
        }
        return record;
    }

    private List<ProgramSpec> launchedPrograms() {
        return state.readPrograms().map(LaunchedPrograms::programs)
                .orElseThrow(() -> new LifecycleConflictException("The running testbed was started without a list"
                        + " of its programs (by an earlier version of testbed). Run 'testbed stop-agents' and"
                        + " 'testbed run' once; then it can be scaled"));
    }

    private AgentSpec agentOf(RunRecord record, String agentKey) {
        TestbedConfig config = reader.read(Path.of(record.config()));
        return config.agent(agentKey).orElseThrow(() -> new ConfigException(record.config()
                + " no longer has [agents." + agentKey + "], whose agent runs: its copies cannot be made. Run"
                + " 'testbed stop-agents' and 'testbed run' to start the testbed the config describes now"));
    }

    /** @return the host that started the testbed: the one that runs the workflow runner */
    private static String startingHost(RunRecord record, List<ProgramSpec> launched, String thisHost) {
        if (launched.stream().anyMatch(program -> program.name().equals(ProgramFactory.WORKFLOW_RUNNER))) {
            return thisHost;
        }
        return record.otherHosts().entrySet().stream()
                .filter(host -> host.getValue().contains(ProgramFactory.WORKFLOW_RUNNER)).map(Map.Entry::getKey)
                .findFirst().orElse(thisHost);
    }

    private LifecycleConflictException notRunning() {
        return new LifecycleConflictException("The testbed is not running in " + settings.home() + ". Start it with"
                + " 'testbed run'; an agent's table may say how many copies to start (replicas = N)");
    }

    /** @return which copy of the agent a program is, empty when it is none */
    private static Optional<Integer> copyOf(String program, String agentKey) {
        return ProgramFactory.agentCopyOf(program).filter(copy -> copy.agentKey().equals(agentKey))
                .map(ProgramFactory.AgentCopy::replica);
    }

    private static Optional<String> firstCopyKey(String program) {
        return ProgramFactory.agentCopyOf(program).filter(copy -> copy.replica() == 1)
                .map(ProgramFactory.AgentCopy::agentKey);
    }

    /** @return the programs among {@code names} that are copies of the agent, in copy order */
    private static List<String> copiesOn(List<String> names, String agentKey) {
        return names.stream().filter(name -> copyOf(name, agentKey).isPresent())
                .sorted(Comparator.comparingInt(name -> copyOf(name, agentKey).orElseThrow())).toList();
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted(Comparator.comparingInt(name -> ProgramFactory.agentCopyOf(name)
                .map(ProgramFactory.AgentCopy::replica).orElse(0))).toList();
    }

    /**
     * @return {@code items} without those named in {@code removed}, with {@code added} right after
     *     the item named {@code after} (the agent's last copy), so copies stay together in order
     */
    private static <T> List<T> replaced(List<T> items, Function<T, String> name, String after,
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

    /** What one host changed. */
    private record Change(List<String> started, List<String> stopped) {
    }
}
