package org.swf.testbed.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the argument vector that runs one of this CLI's entry points in a new JVM, for the
 * programs supervisord runs. It reuses the running JVM's binary and class path, so a program
 * always runs the same build as the CLI that configured it.
 */
final class JvmLauncher {

    /**
     * Small, quick-starting JVMs: agents are many, mostly idle, and a 2-core machine starts them
     * all at once; the optimizing compiler costs more start-up than it gains them (measured with
     * 'testbed benchmark'). Warnings go to stderr, which supervisord logs.
     */
    private static final List<String> AGENT_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx256m", "-Xshare:auto",
            "-Xlog:all=warning:stderr", "-Djava.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    /** The broker carries every message of every agent: more heap. */
    private static final List<String> BROKER_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m", "-Xshare:auto", "-Xlog:all=warning:stderr");

    private final String javaBinary;
    private final String classPath;

    JvmLauncher(String javaBinary, String classPath) {
        this.javaBinary = javaBinary;
        this.classPath = classPath;
    }

    /**
     * @return a launcher for the running JVM: the distribution's {@code lib/*} when the launch
     *     script named it, else the running class path
     */
    static JvmLauncher ofThisJvm() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String lib = System.getProperty("testbed.lib");
        String classPath = lib != null && !lib.isBlank() ? lib + File.separator + "*" : System.getProperty("java.class.path");
        return new JvmLauncher(java, classPath);
    }

    /**
     * @param arguments the CLI arguments of an agent's entry point, e.g. {@code agent data --config X}
     * @return the full argument vector
     */
    List<String> command(List<String> arguments) {
        return command(AGENT_JVM_OPTIONS, arguments);
    }

    /**
     * @param arguments the CLI arguments of the broker's entry point
     * @return the full argument vector
     */
    List<String> brokerCommand(List<String> arguments) {
        return command(BROKER_JVM_OPTIONS, arguments);
    }

    private List<String> command(List<String> options, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(options);
        command.add("-cp");
        command.add(classPath);
        command.add(TestbedCli.class.getName());
        command.addAll(arguments);
        return command;
    }
}
