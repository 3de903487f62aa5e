/**
 * Heartbeats as agents and the agent manager send them: who sends ({@link
 * org.swf.testbed.heartbeat.HeartbeatSender}, which also decides status and description from what
 * was measured), and delivery on the heartbeat topic and to the monitor's REST API ({@link
 * org.swf.testbed.heartbeat.HeartbeatPublisher}, {@link org.swf.testbed.heartbeat.MonitorClient}).
 */
package org.swf.testbed.heartbeat;
