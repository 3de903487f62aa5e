package org.swf.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * Asks a namespace's workflow runner for its state, its current execution and the liveness of
 * the namespace's agents.
 *
 * @param namespace the runner's namespace
 * @param envelope when, by whom, and where the reply goes
 */
public record StatusRequest(String namespace, @JsonUnwrapped CommandEnvelope envelope)
        implements RunnerCommand<RunnerStatus> {

    @Override
    public MessageType type() {
        return MessageType.STATUS_REQUEST;
    }

    @Override
    public Class<RunnerStatus> resultType() {
        return RunnerStatus.class;
    }
}
