/**
 * The agent runtime and what every built-in agent shares: identity, heartbeats (on the broker and
 * to the monitor), the namespace filter, READY only after subscribing, and an exit heartbeat on
 * shutdown. Each built-in agent lives in a package of its own below this one.
 */
package org.swf.testbed.agents;
