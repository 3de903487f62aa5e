/**
 * The per-user agent manager: serves {@code testbed.USER.control} on the broker, runs every
 * command (start, stop, status, ping, logs) through the {@link org.swf.testbed.orchestrator.Orchestrator}
 * one operation at a time, answers each with a reply, and sends the manager's heartbeats.
 * {@link org.swf.testbed.agentmanager.AgentManagerDaemon} is the process around it: connecting
 * until the broker answers, SIGUSR1, and shutting down in order.
 */
package org.swf.testbed.agentmanager;
