package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.swf.testbed.TestbedException;
import org.swf.testbed.TestbedTimeoutException;
import org.swf.testbed.control.AgentManagerClient;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.AgentScaled;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.ManagerStatus;
import org.swf.testbed.protocol.TestbedStarted;
import org.swf.testbed.status.ProgramReport;
import org.swf.testbed.util.OsUser;

/**
 * The agent managers of the other hosts of a testbed spread over several, reached through their
 * control queues on the shared broker ({@code testbed.USER.control.HOST}). Each host's manager
 * starts, observes and stops its own host's programs; the host where a command is given asks the
 * others, all at once, and says which did not answer.
 */
final class OtherHosts {

    /** How long a host's manager has to answer a ping or a status request. */
    private static final Duration ANSWER = Duration.ofSeconds(3);
    /** How long a host's manager may take to stop its programs (supervisord's stop waits, in phases). */
    private static final Duration STOP = Duration.ofSeconds(90);

    private final OrchestratorSettings settings;
    private final JsonCodec codec;
    private final String user = OsUser.name();
    /** Looked up once: without {@code TESTBED_HOST} it is the machine's name, which may ask the resolver. */
    private volatile String thisHost;

    OtherHosts(OrchestratorSettings settings, JsonCodec codec) {
        this.settings = settings;
        this.codec = codec;
    }

    /** @return this host's name in the testbed */
    String thisHost() {
        String host = thisHost;
        if (host == null) {
            host = settings.environment().hostName();
            thisHost = host;
        }
        return host;
    }

    /**
     * @param hosts other hosts
     * @return those whose agent manager did not answer a ping, with why, in the order given
     */
    Map<String, String> unanswered(MessageBus bus, Collection<String> hosts) {
        Map<String, String> silent = new LinkedHashMap<>();
        eachAtOnce(hosts, host -> client(bus, host).ping(ANSWER)).forEach((host, outcome) -> {
            if (outcome.failure() != null) {
                silent.put(host, outcome.failure());
            }
        });
        return silent;
    }

    /**
     * Asks each host's manager to start its share, all at once, and waits until every one is
     * ready or has failed.
     *
     * @return what each host started
     * @throws TestbedException naming every host that did not start its share, and why
     */
    Map<String, TestbedStarted> startShares(MessageBus bus, Collection<String> hosts, String configName,
            String configDigest) {
        // A share waits for its programs as a start does, and then answers.
        Duration wait = settings.readinessTimeout().plus(settings.connectTimeout()).plusSeconds(30);
        Map<String, Outcome<TestbedStarted>> outcomes = eachAtOnce(hosts,
                host -> client(bus, host).startShare(configName, thisHost(), configDigest, wait));
        List<String> failed = new ArrayList<>();
        Map<String, TestbedStarted> started = new LinkedHashMap<>();
        outcomes.forEach((host, outcome) -> {
            if (outcome.failure() != null) {
                failed.add(host + ": " + outcome.failure());
            } else {
                started.put(host, outcome.result());
            }
        });
        if (!failed.isEmpty()) {
            throw new TestbedException("Other hosts did not start their programs. " + String.join("; ", failed)
                    + ". Run 'testbed stop-agents' (it stops every host's programs) before trying again");
        }
        return started;
    }

    /**
     * @param programs the programs the host should run, by name
     * @return its programs as its manager observes them now; when it does not answer, each of
     *     {@code programs} as UNKNOWN and failing, saying why
     */
    List<ProgramReport> status(MessageBus bus, String host, List<String> programs) {
        try {
            ManagerStatus status = client(bus, host).hostStatus(ANSWER);
            return status.status().programs().stream().map(program -> program.onHost(host)).toList();
        } catch (TestbedException e) {
            String why = host + "'s agent manager does not answer (" + shortly(e) + ")";
            return programs.stream().map(name -> new ProgramReport(name, "UNKNOWN", 0, 0, why, true, null, null,
                    List.of(), ProgramFactory.agentCopyOf(name).map(ProgramFactory.AgentCopy::agentKey).orElse(null),
                    host)).toList();
        }
    }

    /**
     * @param hosts other hosts
     * @return for each host, what it stopped, or why it did not answer ({@link Outcome#failure()})
     */
    Map<String, Outcome<List<String>>> stop(MessageBus bus, Collection<String> hosts) {
        // Asked first whether they are there: a stop may take long, a manager that is gone should not.
        Map<String, String> silent = unanswered(bus, hosts);
        Map<String, Outcome<List<String>>> outcomes = new LinkedHashMap<>(eachAtOnce(
                hosts.stream().filter(host -> !silent.containsKey(host)).toList(),
                host -> client(bus, host).stopHost(STOP).stopped()));
        silent.forEach((host, why) -> outcomes.put(host, new Outcome<>(null, "its agent manager does not answer ("
                + why + ")")));
        return outcomes;
    }

    /**
     * Has each host run exactly the named copies of an agent, all at once.
     *
     * @param copies the programs of the agent's copies each host is to run, by host
     * @return what each host started and stopped
     * @throws TestbedException naming every host that did not, and why
     */
    Map<String, AgentScaled> scale(MessageBus bus, String agent, Map<String, List<String>> copies) {
        Duration wait = settings.readinessTimeout().plus(STOP);
        Map<String, AgentScaled> done = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        eachAtOnce(copies.keySet(), host -> client(bus, host).scaleHost(agent, copies.get(host), wait))
                .forEach((host, outcome) -> {
                    if (outcome.failure() != null) {
                        failed.add(host + ": " + outcome.failure());
                    } else {
                        done.put(host, outcome.result());
                    }
                });
        if (!failed.isEmpty()) {
            throw new TestbedException("Other hosts did not change their copies of " + agent + ". "
                    + String.join("; ", failed) + ". 'testbed status' shows what runs where");
        }
        return done;
    }

    /**
     * @param host a host whose manager did not answer
     * @param config the testbed's config file: the manager takes its broker from there
     * @return what to do about it
     */
    String startItsManager(String host, Path config) {
        return "start it there: TESTBED_HOST=" + host + " nohup testbed agent-manager --config "
                + config.getFileName() + " & (it serves /queue/"
                + Destinations.agentManagerControl(user, host).name() + ")";
    }

    private AgentManagerClient client(MessageBus bus, String host) {
        return new AgentManagerClient(bus, codec, user, host, thisHost());
    }

    private static String shortly(TestbedException e) {
        return e instanceof TestbedTimeoutException ? "no answer within the wait" : e.getMessage();
    }

    /** Runs {@code call} for every host at once; one host's failure is its outcome, not the others'. */
    private static <T> Map<String, Outcome<T>> eachAtOnce(Collection<String> hosts, Function<String, T> call) {
        Map<String, CompletableFuture<T>> calls = new LinkedHashMap<>();
        for (String host : hosts) {
            calls.put(host, CompletableFuture.supplyAsync(() -> call.apply(host), runnable -> {
                Thread thread = new Thread(runnable, "testbed-host-" + host);
                thread.setDaemon(true);
                thread.start();
            }));
        }
        Map<String, Outcome<T>> outcomes = new LinkedHashMap<>();
        calls.forEach((host, future) -> {
            try {
                outcomes.put(host, new Outcome<>(future.join(), null));
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                outcomes.put(host, new Outcome<>(null, cause instanceof TestbedException failure ? shortly(failure)
                        : String.valueOf(cause)));
            }
        });
        return outcomes;
    }

    /**
     * What one host made of a call.
     *
     * @param result its answer, or null when it failed
     * @param failure why it failed (no answer, or a refusal in its manager's words), or null
     */
    record Outcome<T>(T result, String failure) {
    }
}
