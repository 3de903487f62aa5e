package org.swf.testbed.protocol;

/**
 * A command for a namespace's workflow runner, sent to its workflow queue with the
 * {@code msg_type} field naming it.
 *
 * @param <R> the result a successful reply carries
 */
public sealed interface RunnerCommand<R> extends Command<R> permits RunWorkflow, StopWorkflow, StatusRequest {

    /** @return the namespace whose runner it is for */
    String namespace();
}
