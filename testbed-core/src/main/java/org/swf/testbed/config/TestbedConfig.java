package org.swf.testbed.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded and validated testbed configuration: everything {@code testbed run} needs, and the
 * raw tables that a workflow run merges over its parameter config.
 *
 * @param source the configuration file, absolute
 * @param home the testbed home (the directory that holds {@code workflows/})
 * @param namespace the isolation namespace of every agent of this testbed
 * @param agents every {@code [agents.KEY]} table, in file order
 * @param workflow the {@code [workflow]} table
 * @param broker the broker to use
 * @param javaOptions the options of the workflow runner's JVM, and of every built-in agent's whose
 *     table sets none: {@code [testbed] java_options}, else
 *     {@value TestbedEnvironment#JAVA_OPTIONS_VARIABLE} of the environment the config was read in
 * @param parameters the {@code [parameters]} table, sent as overrides with {@code run_workflow}
 * @param tables every top-level table of the file, for workflow parameter merging
 */
public record TestbedConfig(
        Path source,
        Path home,
        String namespace,
        List<AgentSpec> agents,
        WorkflowSettings workflow,
        BrokerSettings broker,
        JavaOptions javaOptions,
        Map<String, Object> parameters,
        Map<String, Map<String, Object>> tables) {

    /** Requires the essentials and copies the collections. */
    public TestbedConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(javaOptions, "javaOptions");
        agents = List.copyOf(agents);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /**
     * A config that runs no agent and no workflow, only the home's embedded broker: for a home
     * whose default config cannot be read, which still has its broker.
     *
     * @param home the testbed home
     * @param broker the broker settings to use
     * @return the config; its source is where the default config would be
     */
    public static TestbedConfig brokerOnly(Path home, BrokerSettings broker) {
        return new TestbedConfig(home.resolve("workflows").resolve(ConfigLocator.DEFAULT_CONFIG), home, "", List.of(),
                new WorkflowSettings(WorkflowSettings.DEFAULT_NAME, null, false), broker, JavaOptions.NONE, Map.of(),
                Map.of());
    }

    /** @return the agents {@code testbed run} starts */
    public List<AgentSpec> enabledAgents() {
        return agents.stream().filter(AgentSpec::enabled).toList();
    }

    /**
     * @param key an agent key
     * @return that agent's table, if the config has one
     */
    public Optional<AgentSpec> agent(String key) {
        return agents.stream().filter(a -> a.key().equals(key)).findFirst();
    }
}
