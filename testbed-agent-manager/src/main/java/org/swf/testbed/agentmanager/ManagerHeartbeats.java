package org.swf.testbed.agentmanager;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.swf.testbed.TestbedException;
import org.swf.testbed.heartbeat.HeartbeatPublisher;
import org.swf.testbed.heartbeat.HeartbeatSender;
import org.swf.testbed.heartbeat.MonitorClient;
import org.swf.testbed.orchestrator.Orchestrator;
import org.swf.testbed.orchestrator.RunRecord;
import org.swf.testbed.port.MessageBus;
import org.swf.testbed.protocol.JsonCodec;

/**
 * The agent manager's heartbeats: one at start, then one every interval, one at once on request
 * (SIGUSR1, or after a start or stop) and the {@code EXITED} one on shutdown. Each reports what
 * is measured as it is sent: the broker connection, supervisord's health and the running
 * testbed's namespace. All but the last go out on a thread of their own, one at a time, so a slow
 * supervisorctl never holds up the control queue.
 */
final class ManagerHeartbeats {

    private static final System.Logger LOG = System.getLogger(ManagerHeartbeats.class.getName());
    private static final Duration LAST_HEARTBEAT_WAIT = Duration.ofSeconds(5);

    private final String user;
    private final Orchestrator orchestrator;
    private final MessageBus bus;
    private final Duration interval;
    private final HeartbeatSender sender;
    private final HeartbeatPublisher publisher;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "agent-manager-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param user the OS login name the manager serves
     * @param hostname this host's name
     * @param orchestrator measures supervisord and knows the running testbed
     * @param bus the manager's bus, whose connection is reported
     * @param codec the JSON codec
     * @param interval how often to send a heartbeat
     * @param monitor where heartbeats are also POSTed, when configured
     */
    ManagerHeartbeats(String user, String hostname, Orchestrator orchestrator, MessageBus bus, JsonCodec codec,
            Duration interval, Optional<MonitorClient> monitor) {
        this.user = user;
        this.orchestrator = orchestrator;
        this.bus = bus;
        this.interval = interval;
        this.sender = HeartbeatSender.agentManager(user, ProcessHandle.current().pid(), hostname);
        this.publisher = new HeartbeatPublisher(bus, codec, monitor);
    }

    /** Sends the first heartbeat now and the next ones every interval. */
    void start() {
        executor.scheduleAtFixedRate(this::send, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a heartbeat now, off the caller's thread (a signal handler's, or an operation's). */
    void now() {
        try {
            executor.execute(this::send);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, "Heartbeat not sent: shutting down");
        }
    }

    /** Ends the schedule; a heartbeat already under way reports {@code EXITED}. */
    void stop() {
        stopped.set(true);
        executor.shutdownNow();
    }

    /**
     * Sends the {@code EXITED} heartbeat on the caller's thread and waits for its POST, so it
     * leaves before the process does.
     */
    void sendExited() {
        stop();
        try {
            // A heartbeat under way finishes first, so that EXITED is the last one the monitor sees.
            executor.awaitTermination(LAST_HEARTBEAT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.publish(sender.agentManagerExited(user, namespace(), bus.isConnected()));
        publisher.flush();
    }

    private void send() {
        boolean connected = bus.isConnected();
        if (stopped.get()) {
            publisher.publish(sender.agentManagerExited(user, namespace(), connected));
            return;
        }
        publisher.publish(sender.agentManagerServing(user, namespace(), connected, supervisordHealth()));
    }

    private String namespace() {
        return orchestrator.readRunRecord().map(RunRecord::namespace).orElse(null);
    }

    /** @return "running" when supervisord answers, "idle" when none runs, "error" when one is stuck or gone with agents left */
    private String supervisordHealth() {
        try {
            return orchestrator.supervisordHealth();
        } catch (TestbedException e) {
            return "error";
        }
    }
}
