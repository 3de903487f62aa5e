package org.swf.testbed.protocol;

/** A message names a command this project does not know, or that is not a command. */
public final class UnknownCommandException extends MalformedMessageException {

    private static final long serialVersionUID = 1L;

    private final String name;

    /** @param name the {@code command} or {@code msg_type} it named */
    public UnknownCommandException(String name) {
        super("Unknown command '" + name + "'");
        this.name = name;
    }

    /** @return the name it gave */
    public String name() {
        return name;
    }
}
