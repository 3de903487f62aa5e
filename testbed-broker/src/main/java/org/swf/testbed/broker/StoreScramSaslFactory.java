package org.swf.testbed.broker;

import java.security.NoSuchAlgorithmException;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.protocol.amqp.broker.AmqpInterceptor;
import org.apache.activemq.artemis.protocol.amqp.proton.AMQPRoutingHandler;
import org.apache.activemq.artemis.protocol.amqp.sasl.ServerSASL;
import org.apache.activemq.artemis.protocol.amqp.sasl.ServerSASLFactory;
import org.apache.activemq.artemis.spi.core.protocol.ProtocolManager;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.remoting.Connection;
import org.apache.activemq.artemis.spi.core.security.scram.SCRAM;

/**
 * Offers a SCRAM mechanism backed by the embedded broker's in-memory users.
 *
 * <p>Why not Artemis' own SCRAM factories: they look up the JAAS login scope
 * ({@code saslLoginConfigScope}) in the JVM-wide JAAS configuration (a {@code login.config} file
 * or {@code Configuration.setConfiguration}), never in the configuration the broker's security
 * manager was given. The testbed keeps credentials per broker and in memory, so these factories
 * take the users from the broker's {@link TestbedSecurityManager} instead. Artemis picks the
 * factory with the higher precedence per mechanism name, and for any broker that is not a
 * testbed broker these factories hand over to Artemis' own.
 */
abstract class StoreScramSaslFactory implements ServerSASLFactory {

    private final SCRAM mechanism;
    private final ServerSASLFactory artemisFactory;

    StoreScramSaslFactory(SCRAM mechanism, ServerSASLFactory artemisFactory) {
        this.mechanism = mechanism;
        this.artemisFactory = artemisFactory;
    }

    @Override
    public String getMechanism() {
        return mechanism.getName();
    }

    @Override
    public ServerSASL create(ActiveMQServer server, ProtocolManager<AmqpInterceptor, AMQPRoutingHandler> manager,
            Connection connection, RemotingConnection remotingConnection) {
        if (server.getSecurityManager() instanceof TestbedSecurityManager testbed) {
            try {
                return new StoreScramServerSasl(mechanism, testbed.credentials());
            } catch (NoSuchAlgorithmException e) {
                return null; // as Artemis does: a mechanism this JVM cannot compute is not offered
            }
        }
        return artemisFactory.create(server, manager, connection, remotingConnection);
    }

    @Override
    public int getPrecedence() {
        return artemisFactory.getPrecedence() + 1;
    }

    @Override
    public boolean isDefaultPermitted() {
        // Like Artemis' SCRAM: offered only where an acceptor lists it in saslMechanisms.
        return false;
    }
}
