package io.ublksnap.ublkd.log;

import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.Stat;

/**
 * Whether standard error is connected to systemd's journal. systemd sets {@code JOURNAL_STREAM=DEV:INO} (decimal
 * {@code st_dev} and {@code st_ino} of the stream socket) for a service whose output goes to the journal; the variable
 * is inherited by children whose stderr goes elsewhere, so it counts only when it names the file stderr is.
 */
public final class JournalStream {

    private JournalStream() {
    }

    /** Whether {@code value} (the variable's value, may be null) names the file with this device and inode. */
    static boolean names(String value, long dev, long ino) {
        if (value == null) {
            return false;
        }
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            return false;
        }
        try {
            return Long.parseUnsignedLong(value, 0, colon, 10) == dev
                    && Long.parseUnsignedLong(value, colon + 1, value.length(), 10) == ino;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether file descriptor 2 is the stream that {@code value} names. */
    static boolean isStderr(String value) {
        if (value == null) {
            return false;
        }
        try {
            Stat st = Libc.fstat(2);
            return names(value, st.dev(), st.ino());
        } catch (Exception | LinkageError e) {
            return false; // no stderr, or no native access: plain lines are never wrong, only less filterable
        }
    }

    /** Whether this process's stderr is the journal stream its environment announces. */
    public static boolean isStderr() {
        return isStderr(System.getenv("JOURNAL_STREAM"));
    }
}
