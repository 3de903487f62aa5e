package org.swf.testbed.broker;

import org.apache.activemq.artemis.protocol.amqp.sasl.scram.SHA512SCRAMServerSASLFactory;
import org.apache.activemq.artemis.spi.core.security.scram.SCRAM;

/**
 * SCRAM-SHA-512 for the embedded broker's users. Public because Artemis finds SASL factories with
 * {@link java.util.ServiceLoader}; see {@link StoreScramSaslFactory} for why it exists.
 */
public final class ScramSha512SaslFactory extends StoreScramSaslFactory {

    /** Called by {@link java.util.ServiceLoader}. */
    public ScramSha512SaslFactory() {
        super(SCRAM.SHA512, new SHA512SCRAMServerSASLFactory());
    }
}
