package io.ublksnap.engine;

/**
 * A snapshot operation refused: bad configuration, a COW that cannot be used, misuse of handover
 * or merge. The message is one line naming the problem and what to do about it.
 */
public class SnapshotException extends RuntimeException {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
