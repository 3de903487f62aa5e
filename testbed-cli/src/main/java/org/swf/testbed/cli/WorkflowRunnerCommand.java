package org.swf.testbed.cli;

import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.swf.testbed.access.HomeMonitor;
import org.swf.testbed.agents.monitor.AgentHeartbeats;
import org.swf.testbed.agents.monitor.MonitorApi;
import org.swf.testbed.agents.monitor.MonitorApiServer;
import org.swf.testbed.agents.monitor.RunnerStatusPage;
import org.swf.testbed.agents.monitor.ProcessPrograms;
import org.swf.testbed.agents.runner.WorkflowRunner;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedEnvironment;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.orchestrator.RunnerLiveness;
import org.swf.testbed.store.SqliteExecutionStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code testbed workflow-runner}: the runner agent, as supervisord runs it. */
@Command(name = "workflow-runner", hidden = true, mixinStandardHelpOptions = true,
        description = "Run the workflow runner agent in the foreground (supervisord runs this).")
final class WorkflowRunnerCommand implements Callable<Integer> {

    private final HomeServices home;
    private final AgentHost host;

    @Mixin
    private ProgramConfigOption config;

    WorkflowRunnerCommand(HomeServices home, AgentHost host) {
        this.home = home;
        this.host = host;
    }

    @Override
    public Integer call() throws InterruptedException {
        ConfigLocator locator = home.configLocator();
        SqliteExecutionStore executions = home.executionStore();
        // A runner that died (killed, crashed) left its execution "running": it failed.
        executions.failAbandoned(RunnerLiveness.ofThisHost());
        TestbedEnvironment environment = home.environment();
        JsonCodec codec = new JsonCodec();
        OptionalInt apiPort = environment.ownMonitorPort();
        if (apiPort.isEmpty()) {
            return host.run(config.file(), testbed -> new WorkflowRunner(locator, testbed, executions, codec,
                    environment.heartbeatInterval()));
        }
        // Served before the runner connects: agents ask for their id first thing, and wait for it.
        ProcessPrograms programs = ProcessPrograms.ofThisHome(environment);
        AgentHeartbeats posted = new AgentHeartbeats(programs, HeartbeatSender.localHostname());
        RunnerStatusPage statusPage = new RunnerStatusPage();
        MonitorApi api = new MonitorApi(new HomeMonitor(home.stateDirectory()).secrets(), executions, posted, programs,
                codec, statusPage);
        MonitorApiServer server = MonitorApiServer.start(apiPort.getAsInt(), api, codec).orElse(null);
        return host.run(config.file(), testbed -> new WorkflowRunner(locator, testbed, executions, codec,
                environment.heartbeatInterval(), posted, server, statusPage));
    }
}
