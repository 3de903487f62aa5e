package org.swf.testbed.port;

/** What a supervised program is for; decides start order and grouping. */
public enum ProgramRole {
    /** The embedded message broker, started before anything that talks to it. */
    BROKER,
    /** The workflow runner, started before the agents. */
    RUNNER,
    /** A workflow agent; all agents start together. */
    AGENT
}
