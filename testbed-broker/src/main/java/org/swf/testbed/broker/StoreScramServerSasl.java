package org.swf.testbed.broker;

import java.security.NoSuchAlgorithmException;
import java.util.Set;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.protocol.amqp.sasl.scram.SCRAMServerSASL;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.spi.core.security.scram.SCRAM;
import org.apache.activemq.artemis.spi.core.security.scram.UserData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server side of one SCRAM exchange, challenging with the keys of the broker's own users. */
final class StoreScramServerSasl extends SCRAMServerSASL {

    private static final Logger LOG = LoggerFactory.getLogger(StoreScramServerSasl.class);

    private final CredentialStore credentials;

    StoreScramServerSasl(SCRAM mechanism, CredentialStore credentials) throws NoSuchAlgorithmException {
        super(mechanism);
        this.credentials = credentials;
    }

    @Override
    protected UserData aquireUserData(String userName) {
        return credentials.scramData(userName, mechanism);
    }

    @Override
    protected Subject createSaslSubject(String userName, UserData userData) {
        return new Subject(true, Set.of(new UserPrincipal(userName), new ScramVerifiedPrincipal(userName, scram)),
                Set.of(), Set.of());
    }

    @Override
    protected void failed(Exception e) {
        // Artemis' own mechanism logs a stack trace per wrong password; one line says as much.
        LOG.warn("An AMQP {} login failed: {}", mechanism.getName(), e.getMessage());
    }

    @Override
    public void done() {
        // Nothing to release: the user data lives in the credential store.
    }
}
