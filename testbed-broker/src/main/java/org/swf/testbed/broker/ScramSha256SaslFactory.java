package org.swf.testbed.broker;

import org.apache.activemq.artemis.protocol.amqp.sasl.scram.SHA256SCRAMServerSASLFactory;
import org.apache.activemq.artemis.spi.core.security.scram.SCRAM;

/**
 * SCRAM-SHA-256 for the embedded broker's users. Public because Artemis finds SASL factories with
 * {@link java.util.ServiceLoader}; see {@link StoreScramSaslFactory} for why it exists.
 */
public final class ScramSha256SaslFactory extends StoreScramSaslFactory {

    /** Called by {@link java.util.ServiceLoader}. */
    public ScramSha256SaslFactory() {
        super(SCRAM.SHA256, new SHA256SCRAMServerSASLFactory());
    }
}
