package org.swf.testbed.protocol;

/**
 * A command for a user's agent manager, sent to {@code testbed.USER.control} with the
 * {@code command} field naming it, as the original's clients do.
 *
 * @param <R> the result a successful reply carries
 */
public sealed interface ManagerCommand<R> extends Command<R>
        permits StartTestbed, StopTestbed, TestbedStatusRequest, Ping, LogsRequest, ScaleAgent {
}
