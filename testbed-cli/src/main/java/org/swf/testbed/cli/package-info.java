/**
 * The {@code testbed} command (picocli): the composition root that wires the orchestrator to
 * supervisord, the broker and the execution store, every subcommand, the entry points supervisord
 * runs (broker, runner, agents), the one table of exit codes, and {@link
 * org.swf.testbed.cli.StandardPrograms}, which launches those entry points for the CLI and for any
 * JVM tool that embeds the orchestrator.
 */
package org.swf.testbed.cli;
