package org.swf.testbed.protocol;

import org.swf.testbed.TestbedException;

/** A message that is not valid JSON or lacks what its type requires. */
public class MalformedMessageException extends TestbedException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the message */
    public MalformedMessageException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the message
     * @param cause the parser's failure
     */
    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
