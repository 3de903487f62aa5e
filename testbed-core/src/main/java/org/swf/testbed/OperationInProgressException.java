package org.swf.testbed;

/** Another start or stop of the same testbed is under way; the caller should wait and retry. */
public class OperationInProgressException extends LifecycleConflictException {

    private static final long serialVersionUID = 1L;

    /** @param message what is in progress and what to do */
    public OperationInProgressException(String message) {
        super(message);
    }
}
