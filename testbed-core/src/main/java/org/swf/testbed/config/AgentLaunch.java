package org.swf.testbed.config;

import java.util.List;
import java.util.Objects;

/** How an agent is run; exactly one of these per {@code [agents.KEY]} table. */
public sealed interface AgentLaunch {

    /**
     * An agent implemented in this project, run in its own JVM.
     *
     * @param type the built-in agent type, e.g. {@code data}
     */
    record BuiltIn(String type) implements AgentLaunch {
        /** Requires a type. */
        public BuiltIn {
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * Any program, given as an argument vector (e.g. an original Python agent).
     *
     * @param argv program and arguments
     */
    record Command(List<String> argv) implements AgentLaunch {
        /** Requires a program. */
        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
        }
    }

    /**
     * A script run by the interpreter its extension names ({@code .py} by python3, {@code .sh}
     * by bash), relative to the testbed home.
     *
     * @param path the script path as written in the config
     */
    record Script(String path) implements AgentLaunch {
        /** Requires a path. */
        public Script {
            Objects.requireNonNull(path, "path");
        }
    }
}
