package org.swf.testbed.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.swf.testbed.ConfigException;
import org.swf.testbed.LifecycleConflictException;
import org.swf.testbed.ServiceUnavailableException;
import org.swf.testbed.TestbedException;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.access.BrokerHold;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfig;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.port.BrokerEndpoint;
import org.swf.testbed.port.ExecutionRecord;
import org.swf.testbed.port.ExecutionStore;
import org.swf.testbed.port.MessageBusFactory;
import org.swf.testbed.port.ProcessSupervisor;
import org.swf.testbed.protocol.AgentScaled;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.status.ExecutionSnapshot;
import org.swf.testbed.status.TestbedStatus;

/**
 * Starts, stops and observes a user's testbed: the one implementation behind the CLI, the agent
 * manager and any JVM tool that embeds the testbed.
 *
 * <p>{@link #run} follows the spec's start-up sequence: load the config; refuse when any agent
 * runs; restart supervisord so it sees the current environment; start the broker (when
 * embedded), the workflow runner, then every enabled agent at once; wait for their READY
 * heartbeats; send {@code run_workflow} and return its execution id. Every wait has a deadline,
 * none is a fixed sleep. Start and stop hold a lock in the state directory, so two front ends
 * never start or stop the same testbed at once.
 *
 * <p>This class is a facade over three parts, each named for its job: {@link TestbedLauncher}
 * (start and stop, with the lock and the run record), {@link StatusObserver} (status as observed
 * now) and {@link WorkflowControl} (workflow executions over the runner's queue).
 *
 * <pre>{@code
 * Orchestrator orchestrator = new Orchestrator(settings, supervisor, buses, programs, executions);
 * RunResult run = orchestrator.run(RunOptions.of(null));     // agents + workflow
 * TestbedStatus status = orchestrator.status();
 * orchestrator.stopAgents();
 * }</pre>
 */
public final class Orchestrator {

    private final ProcessSupervisor supervisor;
    private final Path stateDirectory;
    private final ConfigLocator locator;
    private final TestbedConfigReader reader;
    private final BrokerAccess access;
    private final HomeState state;
    private final BrokerConnections connections;
    private final TestbedLauncher launcher;
    private final AgentScaler scaler;
    private final StatusObserver observer;
    private final WorkflowControl workflows;

    /**
     * @param settings where to work and how long to wait
     * @param supervisor runs the programs
     * @param buses connects to the broker
     * @param programs turns the config into programs
     * @param executions the workflow execution records of this home
     */
    public Orchestrator(OrchestratorSettings settings, ProcessSupervisor supervisor, MessageBusFactory buses,
            ProgramFactory programs, ExecutionStore executions) {
        JsonCodec codec = new JsonCodec();
        this.supervisor = supervisor;
        this.stateDirectory = settings.stateDirectory();
        this.locator = new ConfigLocator(settings.home(), settings.environment());
        this.reader = new TestbedConfigReader(locator);
        this.access = new BrokerAccess(settings.stateDirectory(), settings.environment());
        this.state = new HomeState(settings, codec);
        this.connections = new BrokerConnections(buses, access, reader, settings.connectTimeout());
        this.workflows = new WorkflowControl(settings, supervisor, executions, reader, state, connections, codec);
        OtherHosts otherHosts = new OtherHosts(settings, codec);
        this.launcher = new TestbedLauncher(settings, supervisor, programs, reader, access, state, connections,
                workflows, codec, otherHosts);
        this.scaler = new AgentScaler(settings, supervisor, programs, reader, state, connections, codec, otherHosts);
        this.observer = new StatusObserver(settings, supervisor, executions, state, connections, codec, otherHosts);
    }

    /** @return how this home's parts reach its broker */
    public BrokerAccess brokerAccess() {
        return access;
    }

    /** @return resolves config names in this testbed's home */
    public ConfigLocator locator() {
        return locator;
    }

    /**
     * @param configName a config name, or null for the default
     * @return the loaded, validated config
     * @throws ConfigException naming the file, key and fix
     */
    public TestbedConfig loadConfig(String configName) {
        return reader.read(configName);
    }

    /**
     * Starts the testbed and, unless {@code options} say otherwise, its workflow.
     *
     * @param options which config, and whether and how to trigger the workflow
     * @return what was started, the execution id, and how long each step took
     * @throws ConfigException for an invalid config (nothing was started)
     * @throws LifecycleConflictException when agents already run (nothing was changed)
     * @throws ServiceUnavailableException when supervisord or the broker is unavailable
     * @throws org.swf.testbed.TestbedTimeoutException when programs did not get ready in time
     * @throws TestbedException when a program failed to start, with its log tail
     */
    public RunResult run(RunOptions options) {
        return run(options, StepListener.NONE);
    }

    /**
     * Starts the testbed as {@link #run(RunOptions)} does, telling {@code listener} as each step
     * begins (load config, restart supervisord, wait for READY heartbeats, ...).
     *
     * @param options which config, and whether and how to trigger the workflow
     * @param listener hears each step as it begins, on this thread
     * @return what was started, the execution id, and how long each step took
     * @throws ConfigException for an invalid config (nothing was started)
     * @throws LifecycleConflictException when agents already run (nothing was changed)
     * @throws ServiceUnavailableException when supervisord or the broker is unavailable
     * @throws org.swf.testbed.TestbedTimeoutException when programs did not get ready in time
     * @throws TestbedException when a program failed to start, with its log tail
     */
    public RunResult run(RunOptions options, StepListener listener) {
        return launcher.run(options, listener);
    }

    /**
     * Starts this home's embedded broker as a supervised program unless it runs already (a
     * listener of this user that knows the home's login counts as running), as the agent manager
     * does when it starts. Later starts of the testbed update the supervisor around it instead of
     * restarting it. Waits, with a deadline, while a start or stop of the testbed holds the home's
     * lock. Starts nothing while programs of the testbed run without the broker (a new broker
     * would restart the supervisor under them); a notice says so.
     *
     * @param configName a config name, or null for the default (when that cannot be read, the
     *     embedded broker at the standard ports); nothing is started when it names an external
     *     broker
     * @return where the broker listens, and whether this call started it
     * @throws ServiceUnavailableException when the supervisor is not installed or the broker does
     *     not start
     */
    public BrokerStart startBroker(String configName) {
        return launcher.startBroker(configName);
    }

    /**
     * Holds this home's broker: until the hold is closed, {@link #stopAgents} stops the agents and
     * the runner and leaves the broker running. The kernel lets go of the hold when the process
     * ends, however it ends.
     *
     * @return the hold
     * @throws ServiceUnavailableException when the state directory cannot be written
     */
    public BrokerHold holdBroker() {
        return BrokerHold.acquire(stateDirectory);
    }

    /**
     * Stops the broker, as a holder that leaves does: only when it is all that runs (the agents
     * use it otherwise) and nobody else holds it.
     *
     * @return the programs stopped: the broker, or nothing
     */
    public List<String> stopBrokerIfIdle() {
        return launcher.stopBrokerIfIdle();
    }

    /**
     * Stops every program of the testbed, orphans of a killed supervisord included, and the
     * home's broker unless the agent manager holds it.
     *
     * @return the programs that were stopped (empty when none ran), and those kept running
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public StopResult stopAgents() {
        return stopAgents(StepListener.NONE);
    }

    /**
     * Stops the testbed as {@link #stopAgents()} does, telling {@code listener} as each step begins.
     *
     * @param listener hears each step as it begins, on this thread
     * @return the programs that were stopped (empty when none ran), and those kept running
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public StopResult stopAgents(StepListener listener) {
        return launcher.stopAgents(listener, false);
    }

    /**
     * Stops this host's programs only, as another host of a testbed spread over several asks its
     * agent manager to.
     *
     * @param listener hears each step as it begins, on this thread
     * @return the programs that were stopped here, and those kept running
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public StopResult stopThisHost(StepListener listener) {
        return launcher.stopAgents(listener, true);
    }

    /**
     * @return this host's programs only, as another host of a testbed spread over several asks its
     *     agent manager for them
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public TestbedStatus thisHostStatus() {
        return observer.status(true);
    }

    /**
     * Starts this host's share of a testbed that another host starts: the programs the config puts
     * on this host, waited for as {@link #run} waits; no workflow, and no other host is asked.
     *
     * @param configName the config's file name in this home's {@code workflows/}
     * @param startingHost the host that starts the testbed (it runs the runner and the agents
     *     whose tables name no host)
     * @param configDigest the SHA-256 (hex) of the config file on that host
     * @param source who asks
     * @param listener hears each step as it begins
     * @return what this host started
     * @throws ConfigException when this host's copy of the config differs, or is invalid
     */
    public RunResult runShare(String configName, String startingHost, String configDigest, String source,
            StepListener listener) {
        return launcher.run(RunOptions.shareOf(configName, startingHost, configDigest, source), listener);
    }

    /**
     * Runs {@code count} copies of one agent of the running testbed, and leaves every other program
     * as it is: copies beyond the count are stopped, missing ones started and waited for as
     * {@link #run} waits for its agents. The first copy keeps the agent's program name
     * ({@code worker-agent}); the N-th is {@code worker-agent-N}. The agent's table in the config
     * is not changed: the next run starts its {@code replicas} again.
     *
     * @param agentKey the agent's key in the config, e.g. {@code worker}
     * @param count how many copies to run, 1 to {@value org.swf.testbed.config.AgentSpec#MAX_REPLICAS}
     * @param listener hears each step as it begins, on this thread
     * @return how many ran before and now, and the programs started and stopped
     * @throws ConfigException when the testbed has no such agent, the count is out of range, or the
     *     agent cannot run as several copies (the runner; a built-in agent that acts on every
     *     broadcast it hears)
     * @throws LifecycleConflictException when the testbed is not running
     * @throws org.swf.testbed.OperationInProgressException while a start, stop or other scale is in progress
     * @throws org.swf.testbed.TestbedTimeoutException when a copy did not get ready in time
     * @throws TestbedException when a copy failed to start, with its log tail
     */
    public ScaleResult scale(String agentKey, int count, StepListener listener) {
        return scaler.scale(agentKey, count, listener);
    }

    /**
     * Runs exactly the named copies of one agent on this host, as another host that scales a
     * testbed spread over several asks this host's agent manager to.
     *
     * @param agentKey the agent's key
     * @param copies the programs of the copies this host is to run; its other copies stop
     * @param listener hears each step as it begins
     * @return what this host started and stopped
     * @throws LifecycleConflictException when the testbed is not running here
     */
    public AgentScaled scaleThisHost(String agentKey, List<String> copies, StepListener listener) {
        return scaler.scaleThisHost(agentKey, copies, listener);
    }

    /**
     * Observes the testbed now: supervisord's state of every program, each agent's last
     * heartbeat and the current workflow execution as the runner reports them.
     *
     * @return the observed status; what could not be observed is listed in its problems
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public TestbedStatus status() {
        return observer.status(false);
    }

    /**
     * Triggers a workflow on the running testbed, as {@link #run} does once the agents are ready.
     *
     * @param options realtime and parameter overrides (the config is the running testbed's)
     * @return the execution id and run number, in a result without started programs
     * @throws LifecycleConflictException when the testbed is not running
     * @throws org.swf.testbed.protocol.CommandRefusedException when the runner refuses (e.g. a
     *     workflow runs already)
     */
    public RunResult startWorkflow(RunOptions options) {
        return workflows.startWorkflow(options);
    }

    /**
     * Stops the running workflow at its next step; it still sends {@code end_run}.
     *
     * @param executionId the execution to stop, or null for whichever runs
     * @return the stopped execution's id
     * @throws LifecycleConflictException when the testbed is not running
     * @throws org.swf.testbed.protocol.CommandRefusedException when no such workflow runs
     */
    public String stopWorkflow(String executionId) {
        return workflows.stopWorkflow(executionId);
    }

    /**
     * Follows a workflow execution until it ends, reporting its progress as the runner reports
     * it. When the runner stops answering, the execution record decides: an execution whose
     * runner died is failed.
     *
     * @param namespace the namespace whose runner runs it
     * @param executionId the execution
     * @param every how often to ask the runner
     * @param onProgress called with the runner's view of the execution after each answer
     * @return the final record of the execution
     * @throws InterruptedException when the calling thread is interrupted while waiting
     * @throws ServiceUnavailableException when the broker cannot be reached
     * @throws org.swf.testbed.TestbedTimeoutException when the runner stops answering and the
     *     record still says running
     */
    public ExecutionRecord follow(String namespace, String executionId, Duration every,
            Consumer<ExecutionSnapshot> onProgress) throws InterruptedException {
        return workflows.follow(namespace, executionId, every, onProgress);
    }

    /**
     * The record of past and current workflow executions. Executions whose runner died are
     * marked failed first, so none is shown running without a runner.
     *
     * @param limit how many at most
     * @return the most recent executions, newest first
     */
    public List<ExecutionRecord> executions(int limit) {
        return workflows.executions(limit);
    }

    /**
     * Measures supervisord's health for liveness reports.
     *
     * @return {@code running} when supervisord answers, {@code idle} when none runs and nothing
     *     is left behind, {@code error} when programs run without their supervisord
     * @throws ServiceUnavailableException when supervisord is not installed
     */
    public String supervisordHealth() {
        return observer.supervisordHealth();
    }

    /**
     * @param program a program name
     * @param lines how many lines at most
     * @return the last lines of its log
     */
    public List<String> logTail(String program, int lines) {
        return supervisor.logTail(program, lines);
    }

    /**
     * @param program a program name
     * @return its log file
     */
    public Path logFile(String program) {
        return supervisor.logFile(program);
    }

    /**
     * @return how to reach the running testbed's broker, with its login
     * @throws LifecycleConflictException when the testbed is not running
     */
    public BrokerEndpoint runningBroker() {
        return connections.endpointOf(workflows.runningRecord());
    }

    /** @return what the last run started, if anything was started from this home */
    public Optional<RunRecord> readRunRecord() {
        return state.readRunRecord();
    }
}
