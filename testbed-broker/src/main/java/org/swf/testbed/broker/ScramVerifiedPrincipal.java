package org.swf.testbed.broker;

import java.security.Principal;
import org.apache.activemq.artemis.protocol.amqp.sasl.scram.ScramServerFunctionality;

/**
 * Vouches, in the subject of an AMQP connection, that its SCRAM exchange proved the user's
 * password. Only {@link StoreScramServerSasl} creates it, before the exchange ends, so it asks
 * the exchange itself each time: a failed or unfinished exchange vouches for nobody.
 */
final class ScramVerifiedPrincipal implements Principal {

    private final String name;
    private final ScramServerFunctionality exchange;

    ScramVerifiedPrincipal(String name, ScramServerFunctionality exchange) {
        this.name = name;
        this.exchange = exchange;
    }

    @Override
    public String getName() {
        return name;
    }

    /**
     * @param user a user name
     * @return whether the exchange ended successfully for that user
     */
    boolean verifies(String user) {
        return name.equals(user) && exchange.isEnded() && exchange.isSuccessful();
    }

    @Override
    public String toString() {
        return "ScramVerifiedPrincipal[" + name + "]";
    }
}
