package io.ublksnap.ublkd.device;

import io.ublksnap.engine.Target;
import io.ublksnap.ffi.DevInfo;
import io.ublksnap.ffi.Errno;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ffi.UblkParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * One block device served through ublk: /dev/ublkbN, its queues, and the {@link Target} its
 * requests go to (an origin or a snapshot table; swapped on reload).
 *
 * <p>Lifecycle (the UAPI's): ADD_DEV with the features the kernel offers, SET_PARAMS (block sizes,
 * size, request limit, volatile cache and FUA, discard where the target takes it), open
 * /dev/ublkcN, start one thread per queue that FETCHes every tag, START_DEV. Stopping: STOP_DEV
 * (the kernel completes the requests in flight, served by the still running queues, then aborts the
 * tags), the queues end, DEL_DEV.
 */
public final class UblkDevice {
    /**
     * How a device is laid out.
     *
     * @param pinLimit the most request-buffer memory a device may pin by registering it with its
     *                 rings as fixed buffers (queues x depth x maxIoBytes); above it, plain I/O
     */
    public record Options(int queues, int depth, int maxIoBytes, boolean zeroCopy, long pinLimit) {
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 128, 128 * 1024, true, 64L << 20);
        }
    }

    /**
     * What the device looks like to the kernel.
     *
     * @param discardSectors discard granularity and largest discard, in sectors (a snapshot's chunk
     *                       size, as dm-snapshot's io_hints); 0: the device takes no discards
     * @param readOnly       the disk is read-only (UBLK_ATTR_READ_ONLY: the kernel refuses writes)
     */
    public record Geometry(long sectors, int logicalBlockSize, int physicalBlockSize, int discardSectors, boolean readOnly) {
    }

    /** Kept by the kernel in ublksrv_flags: marks the devices ublksnap made (to clean up after a crash). */
    public static final long MARKER = 0x75626c6b736e6170L; // "ublksnap"

    private final UblkControl control;
    private final String name;
    private final DevInfo info;
    private final int charFd;
    private final List<UblkQueue> queues = new ArrayList<>();
    private volatile Target target;
    private volatile boolean stopped;

    private UblkDevice(UblkControl control, String name, DevInfo info, int charFd, Target target) {
        this.control = control;
        this.name = name;
        this.info = info;
        this.charFd = charFd;
        this.target = target;
    }

    /** The feature flags ublksnap asks for, out of what the kernel offers ({@code kernelFeatures} < 0: unknown). */
    public static long wantedFlags(long kernelFeatures, boolean zeroCopy) {
        if (kernelFeatures < 0) {
            return 0; // an old kernel without GET_FEATURES: legacy commands, copy mode
        }
        long want = UBLK_F_CMD_IOCTL_ENCODE;
        if (zeroCopy && (kernelFeatures & UBLK_F_AUTO_BUF_REG) != 0) {
            want |= UBLK_F_AUTO_BUF_REG;
        }
        return want & kernelFeatures;
    }

    /**
     * Creates and starts a device whose requests go to {@code target}. {@code beforeStart} gets
     * /dev/ublkbN before START_DEV makes the disk appear (what udev's add event reads goes there).
     *
     * @param id       the device id to ask for ({@link DevInfo#ANY_DEV_ID}: the kernel chooses)
     * @param required whether a taken {@code id} is an error (else the kernel chooses another)
     * @throws IOException with a one-line message when the kernel refuses
     */
    public static UblkDevice create(UblkControl control, long kernelFeatures, String name, Target target, int id, boolean required,
                                    Geometry g, Options o, Consumer<String> beforeStart) throws IOException {
        long flags = wantedFlags(kernelFeatures, o.zeroCopy());
        int queues = Math.max(1, Math.min(o.queues(), Runtime.getRuntime().availableProcessors()));
        DevInfo info;
        try {
            info = control.addDev(new DevInfo(queues, o.depth(), 0, o.maxIoBytes(), id, Libc.getpid(), flags, MARKER, 0, 0));
        } catch (NativeException e) {
            if (id == DevInfo.ANY_DEV_ID || e.errno() != Errno.EEXIST) {
                throw e;
            }
            if (required) {
                throw new SnapshotException("ublk device id " + id + " is in use (/dev/ublkb" + id + "): choose another --id, or leave it out");
            }
            info = control.addDev(new DevInfo(queues, o.depth(), 0, o.maxIoBytes(), DevInfo.ANY_DEV_ID, Libc.getpid(), flags, MARKER, 0, 0));
        }
        int devId = info.devId();
        int charFd = -1;
        UblkDevice dev = null;
        try {
            control.setParams(devId, params(g, info));
            charFd = openChar(devId);
            dev = new UblkDevice(control, name, info, charFd, target);
            boolean zeroCopy = info.hasFlag(UBLK_F_AUTO_BUF_REG);
            for (int q = 0; q < info.nrHwQueues(); q++) {
                boolean pin = (long) info.nrHwQueues() * info.queueDepth() * info.maxIoBufBytes() <= o.pinLimit();
                UblkQueue queue = new UblkQueue(dev, q, info.queueDepth(), info.maxIoBufBytes(), zeroCopy, pin, info.encoding());
                dev.queues.add(queue);
                queue.start();
            }
            beforeStart.accept(dev.blockPath());
            control.startDev(devId, Libc.getpid());
            return dev;
        } catch (IOException | RuntimeException e) {
            if (dev != null) {
                dev.abandon();
            } else if (charFd >= 0) {
                Libc.close(charFd);
            }
            try {
                control.delDev(devId);
            } catch (NativeException ignored) {
                // the first error is the one to report
            }
            throw e;
        }
    }

    private static UblkParams params(Geometry g, DevInfo info) {
        int lbsShift = Integer.numberOfTrailingZeros(g.logicalBlockSize());
        int pbsShift = Integer.numberOfTrailingZeros(Math.max(g.physicalBlockSize(), g.logicalBlockSize()));
        UblkParams.Basic basic = UblkParams.Basic.of(g.sectors(), lbsShift, pbsShift, info.maxIoBufBytes() >> 9)
                .withAttrs(UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA | (g.readOnly() ? UBLK_ATTR_READ_ONLY : 0));
        UblkParams.Discard discard = g.discardSectors() > 0
                ? new UblkParams.Discard(0, g.discardSectors() << 9, g.discardSectors(), 0, 1)
                : null;
        return new UblkParams(basic, discard, null);
    }

    private static int openChar(int devId) throws IOException {
        String path = "/dev/ublkc" + devId;
        // udev (or devtmpfs) creates the node right after ADD_DEV; give it a moment.
        for (int i = 0; ; i++) {
            try {
                return Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
            } catch (NativeException e) {
                if (i >= 100) {
                    throw new IOException("cannot open " + path + ": " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for " + path);
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public int devId() {
        return info.devId();
    }

    int charFd() {
        return charFd;
    }

    public DevInfo info() {
        return info;
    }

    /** /dev/ublkbN. */
    public String blockPath() {
        return "/dev/ublkb" + info.devId();
    }

    public Target target() {
        return target;
    }

    /** Sends this device's requests to {@code next} from now on (a reloaded table). */
    public void target(Target next) {
        this.target = next;
    }

    public boolean zeroCopy() {
        return info.hasFlag(UBLK_F_AUTO_BUF_REG);
    }

    public String features() {
        return UblkFeatures.describe(info.flags());
    }

    public int queueCount() {
        return queues.size();
    }

    /**
     * Stops the device: STOP_DEV returns once the kernel has finished the requests in flight (the
     * queues keep serving them) and removed the disk. The queue threads then wind down.
     */
    public void stop() throws IOException {
        if (stopped) {
            return;
        }
        stopped = true;
        control.stopDev(info.devId());
        for (UblkQueue q : queues) {
            q.stopWhenRetired();
        }
    }

    /** Waits for the queues to end, deletes the device and closes /dev/ublkcN. */
    public void delete() throws IOException {
        stop();
        for (UblkQueue q : queues) {
            try {
                q.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping " + name);
            }
        }
        Libc.close(charFd);
        control.delDev(info.devId());
    }

    /** Undoes a start that failed: the queues end at once (their rings closed, so the kernel cancels the fetches). */
    private void abandon() {
        for (UblkQueue q : queues) {
            q.abandon();
        }
        for (UblkQueue q : queues) {
            try {
                q.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            Libc.close(charFd);
        } catch (NativeException ignored) {
            // failing already
        }
    }

    /**
     * Why a queue of this device stopped serving on its own, or null while all serve. Such a queue
     * has closed its ring, so the kernel fails the requests it would have served instead of letting
     * them wait.
     */
    public String failure() {
        for (UblkQueue q : queues) {
            Throwable t = q.failure();
            if (t != null) {
                return "queue " + q + " stopped: " + t;
            }
        }
        return null;
    }

    /**
     * Deletes devices that an earlier ublkd left behind when it died (marked as ours, and their
     * server process gone). Returns their ids.
     */
    public static List<Integer> cleanUpAfterCrash(UblkControl control) {
        List<Integer> deleted = new ArrayList<>();
        java.io.File[] nodes = new java.io.File("/sys/class/ublk-char").listFiles();
        if (nodes == null) {
            return deleted;
        }
        for (java.io.File n : nodes) {
            if (!n.getName().matches("ublkc\\d+")) {
                continue;
            }
            int id = Integer.parseInt(n.getName().substring(5));
            try {
                DevInfo info = control.getDevInfo(id);
                boolean ours = info.ublksrvFlags() == MARKER;
                boolean serverGone = info.ublksrvPid() <= 0 || !Files.exists(Path.of("/proc/" + info.ublksrvPid()))
                        || info.ublksrvPid() == Libc.getpid();
                if (ours && serverGone && !heldByServer(id, info.ublksrvPid() > 0 ? 3000 : 0)) {
                    try {
                        control.stopDev(id);
                    } catch (NativeException ignored) {
                        // already stopped
                    }
                    control.delDev(id);
                    deleted.add(id);
                }
            } catch (NativeException e) {
                // not ours to touch, or gone meanwhile
            }
        }
        return deleted;
    }

    /**
     * Whether a live server holds /dev/ublkcN open: the driver lets one process open it at a time and answers
     * EBUSY to the next. A device being set up by another daemon (between ADD_DEV and START_DEV, when its pid
     * may not be known yet) is held, and is never touched by crash clean-up.
     */
    private static boolean heldByServer(int devId, long graceMillis) {
        // A server that died a moment ago may still hold the node until the kernel has torn down its rings.
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        while (true) {
            try {
                Libc.close(Libc.open("/dev/ublkc" + devId, Libc.O_RDWR | Libc.O_CLOEXEC));
                return false;
            } catch (NativeException e) {
                if (e.errno() != Errno.EBUSY) {
                    return false;
                }
                if (System.nanoTime() >= deadline) {
                    return true;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
        }
    }

    /** Whether /dev/ublkbN exists (the kernel creates the disk at START_DEV). */
    public boolean present() {
        return Files.exists(Path.of(blockPath()));
    }

    @Override
    public String toString() {
        return name + " (" + blockPath() + ")";
    }
}
