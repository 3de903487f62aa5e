/**
 * The {@code testbed} command (picocli): the composition root that wires the orchestrator to
 * supervisord, the broker and the execution store, every subcommand, the entry points supervisord
 * runs (broker, runner, agents), and the one table of exit codes.
 */
package org.swf.testbed.cli;
