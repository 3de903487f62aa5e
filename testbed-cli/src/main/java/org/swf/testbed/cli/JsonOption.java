package org.swf.testbed.cli;

import picocli.CommandLine.Option;

/** {@code --json}: a command prints its result as one JSON document on stdout. */
final class JsonOption {

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    /** @return whether the result is to be printed as JSON */
    boolean enabled() {
        return json;
    }
}
