/**
 * The processing agent: answers each {@code stf_ready} with {@code processing_complete}.
 */
package org.swf.testbed.agents.processing;
