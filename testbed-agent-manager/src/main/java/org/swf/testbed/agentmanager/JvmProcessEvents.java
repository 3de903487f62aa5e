package org.swf.testbed.agentmanager;

import java.lang.System.Logger.Level;

/**
 * This JVM's shutdown (a shutdown hook: SIGTERM, SIGINT, {@code System.exit}) and SIGUSR1 (the
 * original's way to ask a daemon for a heartbeat).
 */
final class JvmProcessEvents implements AgentManagerDaemon.ProcessEvents {

    private static final System.Logger LOG = System.getLogger(JvmProcessEvents.class.getName());

    @Override
    public void onShutdown(Runnable action) {
        Runtime.getRuntime().addShutdownHook(new Thread(action, "agent-manager-shutdown"));
    }

    @Override
    @SuppressWarnings("removal")
    public void onHeartbeatRequest(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "SIGUSR1 cannot trigger heartbeats in this JVM: {0}", e.getMessage());
        }
    }
}
