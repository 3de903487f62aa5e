/**
 * The {@link org.swf.testbed.orchestrator.Orchestrator}: starts, stops and observes a testbed and its
 * workflows through the ports, for the CLI, the agent manager and any JVM tool that embeds it.
 */
package org.swf.testbed.orchestrator;
