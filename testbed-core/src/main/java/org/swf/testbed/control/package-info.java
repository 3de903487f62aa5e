/**
 * Typed clients of the control protocol: the workflow runner's and the agent manager's
 * commands sent over a {@link org.swf.testbed.port.MessageBus}, their replies read into records.
 * Everything that commands a runner or an agent manager goes through them.
 */
package org.swf.testbed.control;
