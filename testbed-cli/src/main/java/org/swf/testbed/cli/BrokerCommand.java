package org.swf.testbed.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.swf.testbed.broker.BrokerOptions;
import org.swf.testbed.broker.EmbeddedBroker;
import org.swf.testbed.config.BrokerSettings;
import org.swf.testbed.config.ConfigLocator;
import org.swf.testbed.config.TestbedConfigReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code testbed broker}: the embedded ActiveMQ Artemis broker, in the foreground. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded ActiveMQ Artemis broker in the foreground, with AMQP and STOMP acceptors on"
                + " 127.0.0.1 (STOMP /queue/NAME and /topic/NAME reach the same queues and topics as AMQP)."
                + " Stop it with Ctrl-C or SIGTERM.")
final class BrokerCommand implements Callable<Integer> {

    @ParentCommand
    private TestbedCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Take the ports from this config's [broker] table.")
    private Path config;

    @Option(names = "--amqp-port", paramLabel = "PORT", description = "AMQP port (default 5672).")
    private Integer amqpPort;

    @Option(names = "--stomp-port", paramLabel = "PORT", description = "STOMP port (default 61613).")
    private Integer stompPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep messages in a journal here (default: in memory).")
    private Path dataDirectory;

    @Override
    public Integer call() {
        BrokerSettings settings = config == null ? BrokerSettings.embeddedDefault()
                : new TestbedConfigReader(new ConfigLocator(cli.home(), cli.environment())).read(config).broker();
        BrokerOptions options = BrokerOptions.defaults()
                .withPorts(amqpPort != null ? amqpPort : settings.amqpPort(),
                        stompPort != null ? stompPort : settings.stompPort())
                .withDataDir(dataDirectory);
        EmbeddedBroker broker = EmbeddedBroker.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        spec.commandLine().getErr().println("Broker running: AMQP " + broker.amqpUrl() + ", STOMP 127.0.0.1:"
                + broker.stompPort());
        broker.awaitStop();
        return ExitCode.OK.code;
    }
}
