package org.swf.testbed.agents;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.swf.testbed.agents.data.DataAgent;

/**
 * The agents this project implements, by the type name a config uses
 * ({@code [agents.data]}, or {@code type = "data"}), and the original Python example scripts
 * they stand in for.
 */
public final class BuiltInAgents {

    private static final Map<String, Supplier<Agent>> AGENTS = Map.of(
            "data", DataAgent::new);

    /** Original example scripts, by file name, and the built-in agent that does their job. */
    private static final Map<String, String> ORIGINAL_SCRIPTS = Map.of(
            "example_data_agent.py", "data");

    private BuiltInAgents() {
    }

    /** @return the built-in agent types, sorted */
    public static Set<String> types() {
        return new TreeSet<>(AGENTS.keySet());
    }

    /**
     * @param type an agent type
     * @return a new agent of that type, empty when there is no such built-in
     */
    public static Optional<Agent> create(String type) {
        return Optional.ofNullable(AGENTS.get(type)).map(Supplier::get);
    }

    /**
     * @param scriptFileName the file name of an original example agent, e.g.
     *     {@code example_data_agent.py}
     * @return the built-in type that replaces it, when there is one
     */
    public static Optional<String> forOriginalScript(String scriptFileName) {
        return Optional.ofNullable(ORIGINAL_SCRIPTS.get(scriptFileName)).filter(AGENTS::containsKey);
    }
}
