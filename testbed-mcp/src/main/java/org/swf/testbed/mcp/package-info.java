/**
 * The testbed's MCP server: tools an AI assistant calls over stdio, turned into commands on the
 * broker for the user's agent manager ({@code testbed.USER.control}) and a namespace's workflow
 * runner ({@code workflow_control.NAMESPACE}).
 *
 * <p>{@link org.swf.testbed.mcp.TestbedMcpServer} is the entry point; it reaches the broker only
 * through the {@link org.swf.testbed.port.MessageBusFactory} port, so it can be tested against
 * the in-memory bus.
 */
package org.swf.testbed.mcp;
