package org.swf.testbed.agents;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.swf.testbed.agents.data.DataAgent;
import org.swf.testbed.agents.fastmon.FastMonAgent;
import org.swf.testbed.agents.fastprocessing.FastProcessingAgent;
import org.swf.testbed.agents.processing.ProcessingAgent;
import org.swf.testbed.agents.worker.WorkerAgent;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.protocol.Destination;

/**
 * The agents this project implements, by the type name a config uses
 * ({@code [agents.data]}, or {@code type = "data"}), and the original Python example scripts
 * they stand in for.
 */
public final class BuiltInAgents {

    private static final Map<String, Factory> AGENTS = Map.of(
            "data", (tables, source, environment) -> new DataAgent(),
            "fastmon", (tables, source, environment) -> new FastMonAgent(),
            "fast_processing", (tables, source, environment) -> FastProcessingAgent.fromConfig(
                    tables.getOrDefault(FastProcessingAgent.CONFIG_TABLE, Map.of()), source),
            "worker", (tables, source, environment) -> WorkerAgent.fromEnvironment(environment),
            "processing", (tables, source, environment) -> new ProcessingAgent());

    /** Original example scripts, by file name, and the built-in agent that does their job. */
    private static final Map<String, String> ORIGINAL_SCRIPTS = Map.of(
            "example_data_agent.py", "data",
            "example_fastmon_agent.py", "fastmon",
            "fast_processing_agent.py", "fast_processing",
            "example_processing_agent.py", "processing");

    /** Any namespace: an agent's kinds of subscription do not depend on it. */
    private static final String TYPE_CHECK_NAMESPACE = "replicas";

    private BuiltInAgents() {
    }

    /** @return the built-in agent types, sorted */
    public static Set<String> types() {
        return new TreeSet<>(AGENTS.keySet());
    }

    /**
     * @param type an agent type
     * @return a new agent of that type with default settings, empty when there is no such built-in
     */
    public static Optional<Agent> create(String type) {
        return Optional.ofNullable(AGENTS.get(type))
                .map(factory -> factory.create(Map.of(), "defaults", TestbedEnvironment.empty()));
    }

    /**
     * @param type an agent type
     * @param config the testbed config the agent runs in; agents read their parameter table
     *     from it (e.g. {@code [fast_processing] num_tf_per_slice})
     * @param environment the agent process's environment (e.g. {@code SLICE_PROCESSING_MILLIS})
     * @return a new agent of that type, empty when there is no such built-in
     * @throws org.swf.testbed.ConfigException when the agent's settings are invalid
     */
    public static Optional<Agent> create(String type, TestbedConfig config, TestbedEnvironment environment) {
        return Optional.ofNullable(AGENTS.get(type))
                .map(factory -> factory.create(config.tables(), config.source().toString(), environment));
    }

    /**
     * Copies of an agent share its subscriptions: a queue's messages go to one copy each, but
     * every copy hears every broadcast of a topic, and acts on it.
     *
     * @param type an agent type
     * @return the topics an agent of that type subscribes to, so that each copy of it would act
     *     on every message there once more; empty when it only takes work from queues, or there
     *     is no such built-in
     */
    public static List<Destination> broadcastsHeard(String type) {
        return create(type).map(agent -> agent.subscriptions(TYPE_CHECK_NAMESPACE).stream()
                .filter(destination -> destination.kind() == Destination.Kind.TOPIC).toList()).orElse(List.of());
    }

    /**
     * @param scriptFileName the file name of an original example agent, e.g.
     *     {@code example_data_agent.py}
     * @return the built-in type that replaces it, when there is one
     */
    public static Optional<String> forOriginalScript(String scriptFileName) {
        return Optional.ofNullable(ORIGINAL_SCRIPTS.get(scriptFileName)).filter(AGENTS::containsKey);
    }

    /** Makes an agent from its settings. */
    @FunctionalInterface
    private interface Factory {
        Agent create(Map<String, Map<String, Object>> tables, String source, TestbedEnvironment environment);
    }
}
