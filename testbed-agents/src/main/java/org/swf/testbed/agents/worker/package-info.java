/**
 * The worker: takes slices from the namespace's work queue and answers each with a
 * {@code slice_result}.
 */
package org.swf.testbed.agents.worker;
