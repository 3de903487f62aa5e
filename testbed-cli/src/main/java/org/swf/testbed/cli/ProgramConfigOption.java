package org.swf.testbed.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of the programs supervisord runs. Under supervisord they take the config
 * the orchestrator resolved for the start from {@code SWF_TESTBED_CONFIG}; the option is for
 * running one by hand.
 */
final class ProgramConfigOption {

    @Option(names = "--config", paramLabel = "FILE", description = "The testbed config file (default:"
            + " $SWF_TESTBED_CONFIG, else workflows/testbed.toml).")
    private Path config;

    /** @return the config file, or null for the default config */
    Path file() {
        return config;
    }
}
