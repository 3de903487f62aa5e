/**
 * The ports the orchestrator works through, named for their role ({@code ProcessSupervisor},
 * {@code MessageBus}, {@code ExecutionStore}, {@code Clock}), and the values they exchange. Adapters
 * in other modules implement them.
 */
package org.swf.testbed.port;
