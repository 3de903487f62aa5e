package org.swf.testbed.orchestrator;

/**
 * Hears each step of a start or stop as it begins, so that whoever waits for the operation (a
 * client of the agent manager, a progress bar) can tell how far it got instead of only waiting.
 * Called on the operation's thread: an implementation returns quickly and does not throw.
 */
@FunctionalInterface
public interface StepListener {

    /** Hears nothing. */
    StepListener NONE = (step, number, expectedSteps) -> { };

    /**
     * @param step what is being done now, in words, e.g. {@code restart supervisord}
     * @param number this step's place in the operation, from 1; it grows with every step
     * @param expectedSteps how many steps the operation is expected to take in all; it may grow
     *     while the operation learns what it has to do (e.g. that a broker must be started)
     */
    void stepStarted(String step, int number, int expectedSteps);
}
