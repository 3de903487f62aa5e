package org.swf.testbed.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} of the programs supervisord runs: the config the orchestrator resolved for them. */
final class ProgramConfigOption {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The testbed config file.")
    private Path config;

    /** @return the config file */
    Path file() {
        return config;
    }
}
