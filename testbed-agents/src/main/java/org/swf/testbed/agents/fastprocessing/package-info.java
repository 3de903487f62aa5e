/**
 * The fast-processing agent: cuts registered time frames into slices on the namespace's work queue
 * and broadcasts a {@code processing_summary} at {@code end_run}, counting the slices answered.
 */
package org.swf.testbed.agents.fastprocessing;
