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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.zip.CRC32;

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
 *
 * <p>Devices outlive the process: added with user recovery ({@link Recovery}), a device whose
 * server dies or hands over ({@link #leave}) stays, quiesced, and the next ublkd takes it over
 * ({@link #recover}; {@link LeftBehind} finds them).
 */
public final class UblkDevice {
    /**
     * What the kernel does with a device whose server dies (SIGKILL, a JVM crash, the OOM killer, a
     * planned restart): asked for at ADD_DEV, where the kernel offers it.
     */
    public enum Recovery {
        /**
         * UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE: the device stays, its requests wait,
         * and those the dead server held are sent again to the next one, which takes the device over.
         * Users see a stall, no error. Safe because every request ublksnap answers is idempotent at
         * every crash point (see Origin, PersistentStore and Merge).
         */
        REISSUE,
        /** UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_FAIL_IO (Linux 6.13+): the device stays, but every request fails until the next server takes it over. */
        FAIL_IO,
        /** No recovery: the kernel fails the requests and deletes the disk when the server dies. */
        OFF;

        /** The ADD_DEV flags for this choice. */
        public long flags() {
            return switch (this) {
                case REISSUE -> UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE;
                case FAIL_IO -> UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_FAIL_IO;
                case OFF -> 0;
            };
        }
    }

    /**
     * How a device is laid out.
     *
     * @param pinLimit the most request-buffer memory a device may pin by registering it with its
     *                 rings as fixed buffers (queues x depth x maxIoBytes); above it, plain I/O
     * @param recovery what the kernel does with the device when ublkd dies
     * @param batchIo  use UBLK_F_BATCH_IO where the kernel offers it (Linux 7.0+): tags fetched and answered in
     *                 batches, not one command per request
     */
    public record Options(int queues, int depth, int maxIoBytes, boolean zeroCopy, boolean batchIo, long pinLimit,
                          Recovery recovery) {
        public static Options defaults() {
            return new Options(Runtime.getRuntime().availableProcessors(), 128, 128 * 1024, true, false, 64L << 20, Recovery.REISSUE);
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

    /** What ublksnap's devices before device ids per daemon kept in ublksrv_flags ("ublksnap"). */
    static final long LEGACY_MARKER = 0x75626c6b736e6170L;
    private static final long MARKER_HIGH = 0x75626b73L; // "ubks"

    /**
     * What the kernel keeps for ublksnap in a device's ublksrv_flags (set at ADD_DEV, never changed,
     * read back with GET_DEV_INFO, through a crash of the server): the high half marks the device as
     * ublksnap's, the low half names the daemon that made it ({@code instance}: its control socket), so
     * that a daemon takes over only its own devices, never those of another one running beside it.
     */
    public static long marker(String instance) {
        CRC32 crc = new CRC32();
        crc.update(instance.getBytes(StandardCharsets.UTF_8));
        return MARKER_HIGH << 32 | crc.getValue();
    }

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
    public static long wantedFlags(long kernelFeatures, boolean zeroCopy, boolean batchIo, Recovery recovery) {
        if (kernelFeatures < 0) {
            return 0; // an old kernel without GET_FEATURES: legacy commands, copy mode
        }
        long want = UBLK_F_CMD_IOCTL_ENCODE;
        if ((kernelFeatures & recovery.flags()) == recovery.flags()) {
            want |= recovery.flags();
        }
        if (zeroCopy && (kernelFeatures & UBLK_F_AUTO_BUF_REG) != 0) {
            want |= UBLK_F_AUTO_BUF_REG;
        }
        if (batchIo) {
            want |= UBLK_F_BATCH_IO;
        }
        return want & kernelFeatures;
    }

    /**
     * Creates and starts a device whose requests go to {@code target}. {@code beforeStart} gets
     * /dev/ublkbN before START_DEV makes the disk appear (what udev's add event reads goes there).
     *
     * @param marker   kept in ublksrv_flags ({@link #marker})
     * @param id       the device id to ask for ({@link DevInfo#ANY_DEV_ID}: the kernel chooses)
     * @param required whether a taken {@code id} is an error (else the kernel chooses another)
     * @throws IOException with a one-line message when the kernel refuses
     */
    public static UblkDevice create(UblkControl control, long kernelFeatures, long marker, String name, Target target, int id,
                                    boolean required, Geometry g, Options o, Consumer<String> beforeStart) throws IOException {
        long flags = wantedFlags(kernelFeatures, o.zeroCopy(), o.batchIo(), o.recovery());
        int queues = Math.max(1, Math.min(o.queues(), Runtime.getRuntime().availableProcessors()));
        DevInfo info;
        try {
            info = control.addDev(new DevInfo(queues, o.depth(), 0, o.maxIoBytes(), id, Libc.getpid(), flags, marker, 0, 0));
        } catch (NativeException e) {
            if (id == DevInfo.ANY_DEV_ID || e.errno() != Errno.EEXIST) {
                throw e;
            }
            if (required) {
                throw new SnapshotException("ublk device id " + id + " is in use (/dev/ublkb" + id + "): choose another --id, or leave it out");
            }
            info = control.addDev(new DevInfo(queues, o.depth(), 0, o.maxIoBytes(), DevInfo.ANY_DEV_ID, Libc.getpid(), flags, marker, 0, 0));
        }
        int devId = info.devId();
        try {
            control.setParams(devId, params(g, info));
            return serve(control, name, info, target, o, beforeStart, n -> control.startDev(n, Libc.getpid()));
        } catch (IOException | RuntimeException e) {
            try {
                control.delDev(devId);
            } catch (NativeException ignored) {
                // the first error is the one to report
            }
            throw e;
        }
    }

    /** The command that makes the kernel send requests once every tag is fetched: START_DEV, or END_USER_RECOVERY. */
    private interface Go {
        void run(int devId) throws NativeException;
    }

    /**
     * Opens /dev/ublkcN, starts the queues (each FETCHes every tag), hands /dev/ublkbN to
     * {@code beforeStart}, then {@code go}. On failure the queues end and /dev/ublkcN closes.
     */
    private static UblkDevice serve(UblkControl control, String name, DevInfo info, Target target, Options o,
                                    Consumer<String> beforeStart, Go go) throws IOException {
        int charFd = -1;
        UblkDevice dev = null;
        try {
            charFd = openChar(info.devId());
            dev = new UblkDevice(control, name, info, charFd, target);
            dev.startQueues(o);
            beforeStart.accept(dev.blockPath());
            go.run(info.devId());
            return dev;
        } catch (IOException | RuntimeException e) {
            if (dev != null) {
                dev.abandon();
            } else if (charFd >= 0) {
                Libc.close(charFd);
            }
            throw e;
        }
    }

    /**
     * Takes over a device an earlier ublkd left behind ({@link LeftBehind}): the same /dev/ublkbN, its
     * disk never gone, its users stalled meanwhile. START_USER_RECOVERY (retried while the kernel
     * still releases the dead server's /dev/ublkcN), open /dev/ublkcN, a queue per hardware queue
     * FETCHes every tag and serves at once, END_USER_RECOVERY: the kernel sends the requests that
     * waited, and those the dead server held, to {@code target}. The layout (queues, depth, request
     * size, copy mode) is the device's own; its size must be the target's.
     *
     * <p>On failure the device is left as it was, quiesced, for a later attempt (never deleted:
     * a file system may be mounted on it).
     *
     * @throws IOException with a one-line message when the device cannot be taken over
     */
    public static UblkDevice recover(UblkControl control, DevInfo left, String name, Target target, Geometry g, Options o,
                                     Consumer<String> beforeStart) throws IOException {
        int devId = left.devId();
        String disk = "/dev/ublkb" + devId;
        UblkParams.Basic kept = control.getParams(devId).basic();
        if (kept.devSectors() != g.sectors() || 1 << kept.logicalBsShift() != g.logicalBlockSize()) {
            throw new SnapshotException("cannot take over " + disk + ": it has " + kept.devSectors() + " sectors of "
                    + (1 << kept.logicalBsShift()) + " bytes, and " + name + " now has " + g.sectors() + " of " + g.logicalBlockSize()
                    + " (its backing changed); stop its users and remove it with 'ublkd remove --force " + name + "'");
        }
        startRecovery(control, devId, disk);
        // On failure the rings and /dev/ublkcN close, and the kernel quiesces the device again: the next start tries again.
        return serve(control, name, control.getDevInfo(devId), target, o, beforeStart, id -> control.endUserRecovery(id, Libc.getpid()));
    }

    /** How long START_USER_RECOVERY is retried while the dead server's /dev/ublkcN is not released yet. */
    private static final long RECOVERY_START_MILLIS = 30_000;

    private static void startRecovery(UblkControl control, int devId, String disk) throws IOException {
        long deadline = System.nanoTime() + RECOVERY_START_MILLIS * 1_000_000;
        while (true) {
            try {
                control.startUserRecovery(devId);
                return;
            } catch (NativeException e) {
                if (e.errno() == Errno.EINVAL) {
                    throw new SnapshotException("cannot take over " + disk + ": the kernel refuses its recovery (a server died while"
                            + " taking it over before); stop its users and remove it with 'ublkd remove --force'");
                }
                if (e.errno() != Errno.EBUSY || System.nanoTime() >= deadline) {
                    throw new IOException("cannot take over " + disk + ": START_USER_RECOVERY: " + e.getMessage()
                            + (e.errno() == Errno.EBUSY ? " (a process still holds /dev/ublkc" + devId + " open)" : ""), e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted taking over " + disk);
                }
            }
        }
    }

    /** Starts a queue per hardware queue, each arming every tag (FETCH_REQ, or with UBLK_F_BATCH_IO one PREP_IO_CMDS). */
    private void startQueues(Options o) throws NativeException {
        boolean zeroCopy = info.hasFlag(UBLK_F_AUTO_BUF_REG);
        boolean pin = (long) info.nrHwQueues() * info.queueDepth() * info.maxIoBufBytes() <= o.pinLimit();
        for (int q = 0; q < info.nrHwQueues(); q++) {
            UblkQueue queue = new UblkQueue(this, q, info.queueDepth(), info.maxIoBufBytes(), zeroCopy,
                    info.hasFlag(UBLK_F_BATCH_IO), pin, info.encoding());
            queues.add(queue);
            queue.start();
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

    /** Whether the tags are fetched and answered in batches (UBLK_F_BATCH_IO). */
    public boolean batchIo() {
        return info.hasFlag(UBLK_F_BATCH_IO);
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

    /** How long a hand-over waits for the requests in service to be answered. */
    private static final long LEAVE_MILLIS = 30_000;

    /**
     * Leaves the device to the next ublkd (a planned restart): the queues answer what they serve and
     * take nothing new. The process must exit then: its exit closes the rings and /dev/ublkcN, and
     * the kernel quiesces the device (added with UBLK_F_USER_RECOVERY): its disk stays, its requests
     * wait for the next server, which takes it over ({@link #recover}); those it had sent here and
     * were not answered are sent again. Without recovery the kernel removes it, as at a crash.
     */
    public void leave() throws IOException {
        stopped = true;
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (UblkQueue q : queues) {
            drained.add(q.leave().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).get(LEAVE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing over " + name);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("handing over " + name + ": requests still in service after " + LEAVE_MILLIS / 1000
                    + " s (the next ublkd gets them again)");
        }
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

    /** Whether /dev/ublkbN exists (the kernel creates the disk at START_DEV). */
    public boolean present() {
        return Files.exists(Path.of(blockPath()));
    }

    @Override
    public String toString() {
        return name + " (" + blockPath() + ")";
    }
}
