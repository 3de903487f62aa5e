package org.swf.testbed.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.swf.testbed.agents.runner.WorkflowRunner;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.orchestrator.RunnerLiveness;
import org.swf.testbed.store.SqliteExecutionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code testbed workflow-runner}: the runner agent, as supervisord runs it. */
@Command(name = "workflow-runner", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the workflow runner agent in the foreground (supervisord runs this).")
final class WorkflowRunnerCommand implements Callable<Integer> {

    @ParentCommand
    private TestbedCli cli;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The testbed config file.")
    private Path config;

    @Override
    public Integer call() throws InterruptedException {
        Path home = cli.home();
        ConfigLocator locator = new ConfigLocator(home, cli.environment());
        SqliteExecutionStore executions = cli.executionStore();
        // A runner that died (killed, crashed) left its execution "running": it failed.
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        return AgentHost.run(home, config, cli.environment(),
                testbed -> new WorkflowRunner(locator, testbed, executions, new JsonCodec()));
    }
}
