package io.ublksnap.ffi;

import java.io.IOException;

/**
 * A failed native call: which call, on which path (if any), and the errno it reported. The message reads like
 * {@code open(/no/such): ENOENT (No such file or directory)} unless a more helpful one-line message was given (for
 * example the hint to load a missing kernel module), in which case that message is used as is.
 *
 * <p>For io_uring completions the errno is the negated CQE result; see {@link #fromResult(String, int)}.
 */
public class NativeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final String path;
    private final int errno;

    /**
     * @param call  the C function or operation, e.g. {@code "open"} or {@code "UBLK_CMD_ADD_DEV"}
     * @param path  the file the call was about, or {@code null}
     * @param errno the positive errno value
     */
    public NativeException(String call, String path, int errno) {
        this(call, path, errno, defaultMessage(call, path, errno));
    }

    /** As {@link #NativeException(String, String, int)}, with {@code message} in place of the generated text. */
    public NativeException(String call, String path, int errno, String message) {
        super(message);
        this.call = call;
        this.path = path;
        this.errno = Math.abs(errno);
    }

    /** An exception for a call that returned {@code -errno} (liburing, CQE results, ublk commands). */
    public static NativeException fromResult(String call, int negativeErrno) {
        return new NativeException(call, null, -negativeErrno);
    }

    private static String defaultMessage(String call, String path, int errno) {
        String where = path == null ? call : call + "(" + path + ")";
        return where + ": " + Errno.format(errno);
    }

    /** The failed call. */
    public String call() {
        return call;
    }

    /** The path the call was about, or {@code null}. */
    public String path() {
        return path;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
