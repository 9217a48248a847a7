package io.ublksnap.ublkd.device;

import io.ublksnap.ffi.DevInfo;
import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ublkd.log.Log;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * The devices an earlier ublkd left behind when it died (SIGKILL, a JVM crash, the OOM killer) or
 * handed over (a planned restart), found at the next start so that it can take them over.
 *
 * <p>A device is this daemon's when the kernel kept its {@link UblkDevice#marker} in its
 * ublksrv_flags (a daemon on another control socket has another), and left behind when no live
 * process serves it. By its ublk state:
 * <ul>
 *   <li>QUIESCED or FAIL_IO (added with UBLK_F_USER_RECOVERY): its disk is still there, maybe
 *       mounted, its requests wait (or fail, FAIL_IO) until a new server takes it over
 *       ({@link UblkDevice#recover}). It waits here for the configured device with its id.</li>
 *   <li>LIVE with its server gone: the kernel is still quiescing it (Linux 6.12 waits until every
 *       request the dead server held has been aborted, at worst for the request timeout). Waited
 *       for, then taken as above.</li>
 *   <li>DEAD: its disk is gone already (a device added without recovery); deleted.</li>
 * </ul>
 * A device left behind is never deleted while something uses it: only those no configured device
 * claims and nobody holds open go ({@link #settle}).
 */
public final class LeftBehind {
    /** How long the kernel may take to quiesce a dead server's device (6.12: the 30 s request timeout, and a margin). */
    private static final long QUIESCE_WAIT_MILLIS = 40_000;

    private final UblkControl control;
    private final long marker;
    private final Consumer<String> log;
    private final Map<Integer, DevInfo> waiting = new TreeMap<>();

    private LeftBehind(UblkControl control, long marker, Consumer<String> log) {
        this.control = control;
        this.marker = marker;
        this.log = log;
    }

    /**
     * Finds the devices with {@code marker} that earlier servers left behind; deletes the dead ones
     * (and the dead ones of ublksnap versions that marked every device alike).
     */
    public static LeftBehind find(UblkControl control, long marker, Consumer<String> log) {
        LeftBehind found = new LeftBehind(control, marker, log);
        File[] nodes = new File("/sys/class/ublk-char").listFiles();
        if (nodes == null) {
            return found;
        }
        long deadline = System.nanoTime() + QUIESCE_WAIT_MILLIS * 1_000_000;
        for (File n : nodes) {
            if (n.getName().matches("ublkc\\d+")) {
                found.look(Integer.parseInt(n.getName().substring(5)), deadline);
            }
        }
        if (!found.waiting.isEmpty()) {
            log.accept("devices an earlier ublkd left behind, to take over: " + found.waiting.keySet().stream()
                    .map(id -> "/dev/ublkb" + id + " (" + found.waiting.get(id).stateName() + ")").toList());
        }
        return found;
    }

    private void look(int id, long deadline) {
        try {
            DevInfo info = control.getDevInfo(id);
            boolean legacy = info.ublksrvFlags() == UblkDevice.LEGACY_MARKER;
            if (info.ublksrvFlags() != marker && !legacy) {
                return; // another daemon's or another server's device: never touched
            }
            // A live server (or one setting the device up, before START_DEV: state DEAD) keeps it.
            if (servedByAnother(info)) {
                return;
            }
            if (legacy && info.state() != UBLK_S_DEV_DEAD) {
                return;
            }
            while (info.state() == UBLK_S_DEV_LIVE && System.nanoTime() < deadline) {
                sleep(100); // the kernel has not noticed yet, or is still quiescing the dead server's device
                info = control.getDevInfo(id);
            }
            switch (info.state()) {
                case UBLK_S_DEV_QUIESCED, UBLK_S_DEV_FAIL_IO -> waiting.put(id, info);
                case UBLK_S_DEV_DEAD -> {
                    control.delDev(id);
                    Log.of(log).warning("deleted /dev/ublkc" + id + ": an earlier ublkd left it dead (no disk left to take over)");
                }
                default -> Log.of(log).warning("/dev/ublkb" + id + " is " + info.stateName() + " with no server, and was not quiesced within "
                        + QUIESCE_WAIT_MILLIS / 1000 + " s: left alone ('ublkd remove --force' with its name, or restart ublkd, takes it)");
            }
        } catch (NativeException e) {
            // gone meanwhile
        }
    }

    /**
     * Whether a live process serves the device: its recorded pid is alive (Linux 7.x answers -1 for a
     * dead one; 6.12 keeps the dead server's pid) and /dev/ublkcN is held (the driver lets one
     * process open it at a time). A server that died a moment ago may hold it until the kernel has
     * torn its rings down, and a device being set up by another daemon is held before its pid is known.
     */
    private static boolean servedByAnother(DevInfo info) {
        int pid = info.ublksrvPid();
        boolean alive = pid > 0 && pid != Libc.getpid() && Files.exists(Path.of("/proc/" + pid));
        if (!alive) {
            return false;
        }
        try {
            Libc.close(Libc.open("/dev/ublkc" + info.devId(), Libc.O_RDWR | Libc.O_CLOEXEC));
            return false;
        } catch (NativeException e) {
            return e.errno() == Errno.EBUSY;
        }
    }

    /** Whether device {@code id} was left behind and waits to be taken over. */
    public synchronized boolean has(int id) {
        return waiting.containsKey(id);
    }

    /** Takes device {@code id} out of the waiting ones (null: none). */
    public synchronized DevInfo take(int id) {
        return waiting.remove(id);
    }

    /** Puts back a device whose take-over failed: it stays quiesced, and a later activation tries again. */
    public synchronized void putBack(DevInfo info) {
        waiting.put(info.devId(), info);
    }

    /**
     * After the configured devices came back: the devices left behind that no configured device
     * claims ({@code configured} holds the ids of the configuration's entries) are deleted when nobody
     * uses them, and kept (their users wait) with a warning when somebody does. Those a configured
     * device claims but that are not up yet keep waiting for it.
     *
     * @param usersOf who holds a block device open, in words, or null: nobody
     */
    public synchronized void settle(Set<Integer> configured, Function<String, String> usersOf) {
        for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
            int id = it.next().getKey();
            if (configured.contains(id)) {
                Log.of(log).warning("/dev/ublkb" + id + " waits, quiesced, for its configured device to come up ('ublkd activate')");
                continue;
            }
            String disk = "/dev/ublkb" + id;
            String users = usersOf.apply(disk);
            if (users != null) {
                Log.of(log).warning(disk + " was left by an earlier ublkd and no configured device claims it, but it is in use (" + users
                        + "): kept, its users wait; stop them and restart ublkd to delete it");
                continue;
            }
            try {
                try {
                    control.stopDev(id);
                } catch (NativeException ignored) {
                    // stopped already
                }
                control.delDev(id);
                it.remove();
                Log.of(log).warning("deleted " + disk + ": an earlier ublkd left it, no configured device claims it, and nobody uses it");
            } catch (NativeException e) {
                Log.of(log).warning("cannot delete " + disk + ", left by an earlier ublkd: " + e.getMessage());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
