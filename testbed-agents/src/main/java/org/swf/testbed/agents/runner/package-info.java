/**
 * The workflow runner: the DAQ simulator ({@code stf_datataking}'s state machine and timing, on the
 * wall clock or a virtual one) behind {@code run_workflow}, {@code stop_workflow} and
 * {@code status_request}, with the execution's progress and record.
 */
package org.swf.testbed.agents.runner;
