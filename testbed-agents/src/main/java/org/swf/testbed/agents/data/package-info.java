/**
 * The data agent: turns each {@code stf_gen} of its namespace into {@code stf_ready}.
 */
package org.swf.testbed.agents.data;
