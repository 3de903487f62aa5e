package org.swf.testbed.control;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.AgentScaled;
import org.swf.testbed.protocol.CommandEnvelope;
import org.swf.testbed.protocol.CommandProgress;
import org.swf.testbed.protocol.CommandRefusedException;
import org.swf.testbed.protocol.Destinations;
import org.swf.testbed.protocol.JsonCodec;
import org.swf.testbed.protocol.LogLines;
import org.swf.testbed.protocol.LogsRequest;
import org.swf.testbed.protocol.ManagerInfo;
import org.swf.testbed.protocol.ManagerStatus;
import org.swf.testbed.protocol.Ping;
import org.swf.testbed.protocol.ScaleAgent;
import org.swf.testbed.protocol.StartTestbed;
import org.swf.testbed.protocol.StopTestbed;
import org.swf.testbed.protocol.TestbedStarted;
import org.swf.testbed.protocol.TestbedStatusRequest;
import org.swf.testbed.protocol.TestbedStopped;

/**
 * Commands one user's agent manager over {@code testbed.USER.control}.
 *
 * <p>Each method waits as long as its caller says (a ping should be quick, a start may take
 * a minute) and throws {@link CommandRefusedException} when the manager answers with a failure,
 * {@link org.swf.testbed.TestbedTimeoutException} when it does not answer in time.
 */
public final class AgentManagerClient {

    private final CommandChannel channel;
    private final String source;

    /**
     * @param bus a connected bus
     * @param codec the JSON codec
     * @param user whose agent manager to command
     * @param source who sends the commands, e.g. {@code mcp}
     */
    public AgentManagerClient(MessageBus bus, JsonCodec codec, String user, String source) {
        this.channel = new CommandChannel(bus, codec, Destinations.agentManagerControl(user),
                "The agent manager of " + user);
        this.source = source;
    }

    /**
     * @param bus a connected bus
     * @param codec the JSON codec
     * @param user whose agent manager to command
     * @param host on which host: its control queue there, {@code testbed.USER.control.HOST}
     * @param source who sends the commands, e.g. {@code mcp}
     */
    public AgentManagerClient(MessageBus bus, JsonCodec codec, String user, String host, String source) {
        this.channel = new CommandChannel(bus, codec, Destinations.agentManagerControl(user, host),
                "The agent manager of " + user + " on " + host);
        this.source = source;
    }

    /**
     * @param wait how long to wait
     * @return the manager, alive
     */
    public ManagerInfo ping(Duration wait) {
        return channel.call(new Ping(envelope(wait)), wait);
    }

    /**
     * @param wait how long to wait
     * @return the testbed as observed now, and the manager
     */
    public ManagerStatus status(Duration wait) {
        return channel.call(new TestbedStatusRequest(envelope(wait)), wait);
    }

    /**
     * Starts the testbed, hearing how far the start got while waiting for it when asked.
     *
     * @param configName the config to start, or null for the default
     * @param wait how long to wait for the whole start
     * @param onProgress hears each step of the start as the manager begins it, before the reply
     *     (a manager that does not report steps sends none); null to ask for none
     * @return what was started
     */
    public TestbedStarted startTestbed(String configName, Duration wait, Consumer<CommandProgress> onProgress) {
        return channel.call(new StartTestbed(configName, asked(onProgress), envelope(wait)), wait, onProgress);
    }

    /**
     * Stops the testbed, hearing how far the stop got while waiting for it when asked.
     *
     * @param wait how long to wait for the whole stop
     * @param onProgress hears each step of the stop as the manager begins it, before the reply;
     *     null to ask for none
     * @return what was stopped
     */
    public TestbedStopped stopTestbed(Duration wait, Consumer<CommandProgress> onProgress) {
        return channel.call(new StopTestbed(asked(onProgress), envelope(wait)), wait, onProgress);
    }

    /**
     * Starts this manager's host's share of a testbed that another host starts.
     *
     * @param configName the config's file name in {@code workflows/}
     * @param initiator the host that starts the testbed
     * @param configDigest the SHA-256 (hex) of the config file as the initiator read it
     * @param wait how long to wait for the share to be ready
     * @return what this host started
     */
    public TestbedStarted startShare(String configName, String initiator, String configDigest, Duration wait) {
        return channel.call(new StartTestbed(configName, null, initiator, configDigest, envelope(wait)), wait);
    }

    /**
     * @param wait how long to wait
     * @return what the manager's host stopped (its programs only)
     */
    public TestbedStopped stopHost(Duration wait) {
        return channel.call(new StopTestbed(null, Boolean.TRUE, envelope(wait)), wait);
    }

    /**
     * @param wait how long to wait
     * @return the manager's host's programs as observed now, and the manager
     */
    public ManagerStatus hostStatus(Duration wait) {
        return channel.call(new TestbedStatusRequest(Boolean.TRUE, envelope(wait)), wait);
    }

    /**
     * @param agent an agent's key
     * @param copies the programs of the copies the manager's host is to run
     * @param wait how long to wait for the copies added to be ready
     * @return what the host started and stopped
     */
    public AgentScaled scaleHost(String agent, List<String> copies, Duration wait) {
        return channel.call(new ScaleAgent(agent, copies, envelope(wait)), wait);
    }

    /** @return the command's {@code progress} field: true when someone listens, else left out */
    private static Boolean asked(Consumer<CommandProgress> onProgress) {
        return onProgress == null ? null : Boolean.TRUE;
    }

    /**
     * @param program the program
     * @param lines how many lines at most
     * @param wait how long to wait
     * @return the last lines of its log
     */
    public LogLines logs(String program, int lines, Duration wait) {
        return channel.call(new LogsRequest(program, lines, envelope(wait)), wait);
    }

    private CommandEnvelope envelope(Duration wait) {
        return CommandEnvelope.sentNowBy(source, wait);
    }
}
