package io.ublksnap.ublkd.systemd;

import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ublkd.log.Log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * systemd's readiness protocol ({@code sd_notify(3)}) for a {@code Type=notify} service: state lines such as
 * {@code READY=1} or {@code STATUS=...} sent as one datagram to the Unix socket that {@code NOTIFY_SOCKET} names, a
 * path or (leading {@code '@'}) an abstract name. Without the variable (not under systemd, or a type that does not
 * listen), every call does nothing.
 *
 * <p>Never throws and never blocks for long: a datagram to a local socket is queued or refused at once; a failure is
 * logged once, as a warning (systemd then sees no readiness and fails the start after {@code TimeoutStartSec}, which
 * names the problem better than a daemon that dies of it). Thread-safe.
 */
public final class SdNotify implements AutoCloseable {

    /** The variable systemd sets for a service it listens to. */
    public static final String VARIABLE = "NOTIFY_SOCKET";

    private final String address;
    private final Log log;
    private int fd = -1;
    private boolean failed;

    private SdNotify(String address, Log log) {
        this.address = address;
        this.log = log;
    }

    /** Notifies the socket the environment names, or nobody. */
    public static SdNotify fromEnvironment(Log log) {
        return to(System.getenv(VARIABLE), log);
    }

    /**
     * Notifies {@code address} (a path starting with '/' or an abstract name starting with '@'); null or empty: nobody.
     * Any other form (systemd also knows {@code vsock:}) is logged once and ignored.
     */
    public static SdNotify to(String address, Log log) {
        if (address != null && !address.isEmpty() && !address.startsWith("/") && !address.startsWith("@")) {
            log.warning(VARIABLE + "=" + address + " is neither a path nor an abstract socket name: not notifying systemd");
            return new SdNotify(null, log);
        }
        return new SdNotify(address == null || address.isEmpty() ? null : address, log);
    }

    /** Whether there is anybody to notify. */
    public boolean enabled() {
        return address != null;
    }

    /** {@code READY=1} with a status line: startup is complete, systemd starts the units ordered after this one. */
    public void ready(String status) {
        send("READY=1\n" + statusLine(status));
    }

    /** {@code STATUS=...}: one line that {@code systemctl status} shows. */
    public void status(String status) {
        send(statusLine(status));
    }

    /** {@code STOPPING=1} with a status line: the service is shutting down. */
    public void stopping(String status) {
        send("STOPPING=1\n" + statusLine(status));
    }

    private static String statusLine(String status) {
        // a state is one line: a line break would end STATUS= and start a variable of its own
        return "STATUS=" + status.replaceAll("\\R", " ");
    }

    /**
     * Sends {@code state} (newline-separated {@code VARIABLE=value} lines) as one datagram. Returns whether it was
     * sent (false when there is nobody to notify or the send failed).
     */
    public synchronized boolean send(String state) {
        if (address == null) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            if (fd < 0) {
                fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            }
            MemorySegment text = arena.allocateFrom(state);
            Libc.sendto(fd, text.asSlice(0, text.byteSize() - 1), Libc.MSG_NOSIGNAL, address);
            return true;
        } catch (NativeException | IllegalArgumentException e) {
            if (!failed) {
                failed = true;
                log.warning("cannot notify systemd at " + address + ": " + e.getMessage());
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (NativeException e) {
                // nothing to do about it
            }
            fd = -1;
        }
    }
}
