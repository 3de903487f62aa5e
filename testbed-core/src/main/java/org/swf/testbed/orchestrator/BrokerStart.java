package org.swf.testbed.orchestrator;

import java.util.List;
import org.swf.testbed.access.BrokerPorts;

/**
 * What {@link Orchestrator#startBroker} found or did.
 *
 * @param ports where the home's broker listens; null when the config names an external broker
 * @param startedNow whether it was started by this call (else it ran already, or is external)
 * @param notices what is worth a word to the user, such as ports taken by someone else
 */
public record BrokerStart(BrokerPorts ports, boolean startedNow, List<String> notices) {

    /** Copies the notices. */
    public BrokerStart {
        notices = List.copyOf(notices);
    }
}
