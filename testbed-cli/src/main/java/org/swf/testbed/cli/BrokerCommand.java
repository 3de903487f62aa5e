package org.swf.testbed.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.swf.testbed.access.BrokerAccess;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.TestbedConfigReader;
import org.swf.testbed.lifecycle.ShutdownBudget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed broker}: the home's embedded ActiveMQ Artemis broker, in the foreground. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run this home's embedded ActiveMQ Artemis broker in the foreground, with AMQP and STOMP"
                + " acceptors on 127.0.0.1 (STOMP /queue/NAME and /topic/NAME reach the same queues and topics as"
                + " AMQP). Stop it with Ctrl-C or SIGTERM.",
            "Both protocols require the home's login (.testbed/broker-credentials, created on first use, readable"
                + " by you alone); AMQP clients may prove it with SCRAM-SHA-512 without sending it. Without port"
                + " options it listens on the standard ports when they are free, else on ports of its own,"
                + " recorded in .testbed/broker-ports."})
final class BrokerCommand implements Callable<Integer> {

    private final HomeServices home;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Take the ports from this config's [broker] table.")
    private Path config;

    @Option(names = "--amqp-port", paramLabel = "PORT", description = "AMQP port (default 5672 when free).")
    private Integer amqpPort;

    @Option(names = "--stomp-port", paramLabel = "PORT", description = "STOMP port (default 61613 when free).")
    private Integer stompPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep messages in a journal here (default: in memory).")
    private Path dataDirectory;

    BrokerCommand(HomeServices home) {
        this.home = home;
    }

    @Override
    public Integer call() {
        BrokerSettings settings = config == null ? BrokerSettings.embeddedDefault()
                : new TestbedConfigReader(home.configLocator()).read(config).broker();
        BrokerAccess access = home.brokerAccess();
        EmbeddedBroker broker = HomeBrokers.start(access, given(settings), dataDirectory, spec.commandLine().getErr());
        PrintWriter err = spec.commandLine().getErr();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Artemis's stop has no deadline of its own, and supervisord kills the program at its
            // stop wait: give up well before, and let the JVM's exit drop what is left.
            Duration limit = ShutdownBudget.STANDARD.total();
            if (!ShutdownBudget.runWithin(limit, "broker-stop", broker::close)) {
                err.println("The broker did not stop within " + limit.toMillis() + " ms; exiting without waiting");
                err.flush();
            }
        }, "broker-shutdown"));
        spec.commandLine().getErr().println("Broker running: AMQP " + broker.amqpUrl() + ", STOMP 127.0.0.1:"
                + broker.stompPort() + "; login: user '" + access.homeBroker().credentials().user() + "', password in "
                + access.homeBroker().credentialsFile());
        broker.awaitStop();
        return ExitCode.OK.code;
    }

    /** The config's settings with a port given on the command line taking the config's place. */
    private BrokerSettings given(BrokerSettings settings) {
        if (amqpPort == null && stompPort == null) {
            return settings;
        }
        return new BrokerSettings(null, amqpPort != null ? amqpPort : settings.amqpPort(),
                stompPort != null ? stompPort : settings.stompPort(), true, null);
    }
}
