package org.swf.testbed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --json}: a command prints its result as one JSON document on stdout. */
final class JsonOption {

    /** The option's name. */
    static final String NAME = "--json";

    @Option(names = NAME, description = "Print the result as JSON; a failure prints a JSON object on stderr.")
    private boolean json;

    /**
     * @param command the command that ran
     * @return whether its command line asked for JSON
     */
    static boolean requested(CommandLine command) {
        CommandLine.ParseResult parsed = command.getParseResult();
        return parsed != null && parsed.hasMatchedOption(NAME);
    }

    /** @return whether the result is to be printed as JSON */
    boolean enabled() {
        return json;
    }
}
