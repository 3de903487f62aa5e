package org.swf.testbed.control;

import java.time.Duration;
import java.util.Map;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.CommandEnvelope;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.Reply;
import org.swf.testbed.protocol.RunWorkflow;
import org.swf.testbed.protocol.RunnerStatus;
import org.swf.testbed.protocol.StatusRequest;
import org.swf.testbed.protocol.StopWorkflow;
import org.swf.testbed.protocol.WorkflowStarted;
import org.swf.testbed.protocol.WorkflowStopping;

/**
 * Commands one namespace's workflow runner over its workflow queue.
 *
 * <p>The convenience methods throw {@link CommandRefusedException} when the runner answers with
 * a failure, and {@link org.swf.testbed.TestbedTimeoutException} when it does not answer in time.
 */
public final class RunnerClient {

    private final CommandChannel channel;
    private final String namespace;
    private final String source;
    private final Duration timeout;

    /**
     * @param bus a connected bus
     * @param codec the JSON codec
     * @param namespace whose runner to command
     * @param source who sends the commands, e.g. {@code cli}
     * @param timeout how long to wait for each reply
     */
    public RunnerClient(MessageBus bus, JsonCodec codec, String namespace, String source, Duration timeout) {
        this.channel = new CommandChannel(bus, codec, Destinations.workflowControl(namespace), "The workflow runner");
        this.namespace = namespace;
        this.source = source;
        this.timeout = timeout;
    }

    /**
     * @param workflowName the workflow
     * @param config its parameter config name, or null for the runner's default
     * @param realtime whether to pace it by the wall clock
     * @param duration seconds after which to stop it, 0 for until complete
     * @param params parameter overrides
     * @return the execution that started
     */
    public WorkflowStarted runWorkflow(String workflowName, String config, boolean realtime, double duration,
            Map<String, Object> params) {
        return channel.call(new RunWorkflow(namespace, workflowName, config, realtime, duration, params,
                envelope(timeout)), timeout);
    }

    /**
     * @param executionId the execution to stop, or null for whichever runs
     * @return the execution that is stopping
     */
    public WorkflowStopping stopWorkflow(String executionId) {
        return channel.call(new StopWorkflow(namespace, executionId, envelope(timeout)), timeout);
    }

    /** @return the runner's state, execution and agents */
    public RunnerStatus status() {
        return status(timeout);
    }

    /**
     * @param wait how long to wait for the answer
     * @return the runner's state, execution and agents
     */
    public RunnerStatus status(Duration wait) {
        return channel.call(new StatusRequest(namespace, envelope(wait)), wait);
    }

    /**
     * Asks for the runner's status and returns its reply as it is, failed or not: for callers to
     * whom an answer at all is what matters.
     *
     * @param wait how long to wait for the answer
     * @return the reply
     */
    public Reply<RunnerStatus> statusReply(Duration wait) {
        return channel.send(new StatusRequest(namespace, envelope(wait)), wait);
    }

    private CommandEnvelope envelope(Duration wait) {
        return CommandEnvelope.sentNowBy(source, wait);
    }

}
