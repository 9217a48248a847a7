package io.ublksnap.ffi;

import io.ublksnap.ffi.c.ublk_params;
import io.ublksnap.ffi.c.ublksrv_ctrl_cmd;
import io.ublksnap.ffi.c.ublksrv_ctrl_dev_info;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.OptionalLong;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * The ublk control device, {@code /dev/ublk-control}: adds, configures, starts, stops and deletes ublk devices.
 *
 * <p>Each command is an {@code IORING_OP_URING_CMD} on a private 128-byte-SQE ring (the driver rejects control
 * commands from 64-byte SQEs): {@code cmd_op} at SQE byte 8 and the 32-byte {@code struct ublksrv_ctrl_cmd} at SQE
 * byte 48. Commands run synchronously: the caller waits for the completion, and an error result becomes a
 * {@link NativeException} naming the command. Some commands block in the kernel for a long time (START_DEV waits until
 * every tag of every queue has been fetched).
 *
 * <p>Command numbering: at open, GET_FEATURES (encoded-only, Linux 6.5+) is tried. If it works, the ioctl-encoded
 * opcodes are used, otherwise the legacy ones; if a command is refused with {@code EOPNOTSUPP} and it exists in the
 * other numbering, that one is tried and kept for later commands.
 *
 * <p>Thread-safe: commands are serialized on this object's monitor (one may block others while it waits). Needs
 * {@code CAP_SYS_ADMIN} for privileged devices.
 */
public final class UblkControl implements AutoCloseable {

    /** Where the ublk driver's control device lives. */
    public static final String CONTROL_PATH = "/dev/ublk-control";

    /** A control command in both numberings; {@code legacy} is -1 for commands that exist only encoded. */
    private enum Command {
        GET_QUEUE_AFFINITY(UBLK_CMD_GET_QUEUE_AFFINITY, UBLK_U_CMD_GET_QUEUE_AFFINITY),
        GET_DEV_INFO(UBLK_CMD_GET_DEV_INFO, UBLK_U_CMD_GET_DEV_INFO),
        ADD_DEV(UBLK_CMD_ADD_DEV, UBLK_U_CMD_ADD_DEV),
        DEL_DEV(UBLK_CMD_DEL_DEV, UBLK_U_CMD_DEL_DEV),
        START_DEV(UBLK_CMD_START_DEV, UBLK_U_CMD_START_DEV),
        STOP_DEV(UBLK_CMD_STOP_DEV, UBLK_U_CMD_STOP_DEV),
        SET_PARAMS(UBLK_CMD_SET_PARAMS, UBLK_U_CMD_SET_PARAMS),
        GET_PARAMS(UBLK_CMD_GET_PARAMS, UBLK_U_CMD_GET_PARAMS),
        START_USER_RECOVERY(UBLK_CMD_START_USER_RECOVERY, UBLK_U_CMD_START_USER_RECOVERY),
        END_USER_RECOVERY(UBLK_CMD_END_USER_RECOVERY, UBLK_U_CMD_END_USER_RECOVERY),
        GET_DEV_INFO2(UBLK_CMD_GET_DEV_INFO2, UBLK_U_CMD_GET_DEV_INFO2),
        GET_FEATURES(-1, UBLK_U_CMD_GET_FEATURES),
        DEL_DEV_ASYNC(-1, UBLK_U_CMD_DEL_DEV_ASYNC),
        UPDATE_SIZE(-1, UBLK_U_CMD_UPDATE_SIZE),
        QUIESCE_DEV(-1, UBLK_U_CMD_QUIESCE_DEV);

        final int legacy;
        final int encoded;

        Command(int legacy, int encoded) {
            this.legacy = legacy;
            this.encoded = encoded;
        }

        int op(UblkCmdEncoding encoding) {
            return encoding == UblkCmdEncoding.IOCTL || legacy < 0 ? encoded : legacy;
        }

        String cName(int op) {
            return (op == legacy ? "UBLK_CMD_" : "UBLK_U_CMD_") + name();
        }
    }

    private static final long CMD_DEV_ID = ublksrv_ctrl_cmd.dev_id$offset();
    private static final long CMD_QUEUE_ID = ublksrv_ctrl_cmd.queue_id$offset();
    private static final long CMD_LEN = ublksrv_ctrl_cmd.len$offset();
    private static final long CMD_ADDR = ublksrv_ctrl_cmd.addr$offset();
    private static final long CMD_DATA0 = ublksrv_ctrl_cmd.data$offset();
    private static final long CMD_DEV_PATH_LEN = ublksrv_ctrl_cmd.dev_path_len$offset();
    private static final int BUFFER_SIZE = 4096;
    private static final int AFFINITY_BYTES = 1024 / 8;

    private final String path;
    private final int fd;
    private final IoUring ring;
    private final Arena arena;
    private final MemorySegment buffer;
    private final long features;
    private UblkCmdEncoding encoding;
    private boolean closed;
    private int lastResult;
    private long sequence;
    private final CompletionHandler onCompletion = (userData, res, flags) -> lastResult = res;

    private UblkControl(String path, int fd, IoUring ring) throws NativeException {
        this.path = path;
        this.fd = fd;
        this.ring = ring;
        this.arena = Arena.ofShared();
        this.buffer = NativeMemory.allocateAligned(arena, BUFFER_SIZE);
        this.encoding = UblkCmdEncoding.IOCTL;
        int r = run(Command.GET_FEATURES, Command.GET_FEATURES.encoded, -1, buffer.address(), UBLK_FEATURES_LEN, 0, 0);
        if (r == 0) {
            this.features = buffer.get(ValueLayout.JAVA_LONG, 0);
            this.encoding = UblkCmdEncoding.forDeviceFlags(features);
        } else {
            this.features = -1;
            this.encoding = UblkCmdEncoding.LEGACY;
        }
    }

    /** Opens {@link #CONTROL_PATH}. */
    public static UblkControl open() throws NativeException {
        return open(CONTROL_PATH);
    }

    /**
     * Opens the control device at {@code path}. A missing device gives a one-line error naming the fix
     * ({@code modprobe ublk_drv}).
     */
    public static UblkControl open(String path) throws NativeException {
        int fd;
        try {
            fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new NativeException("open", path, e.errno(),
                        "no " + path + ": this kernel has no ublk driver; try 'modprobe ublk_drv'");
            }
            throw e;
        }
        IoUring ring = null;
        try {
            ring = IoUring.builder(8).sqe128().build();
            return new UblkControl(path, fd, ring);
        } catch (NativeException | RuntimeException e) {
            if (ring != null) {
                ring.close();
            }
            Libc.close(fd);
            throw e;
        }
    }

    /** The command numbering in use (may switch once if the kernel refuses one with EOPNOTSUPP). */
    public synchronized UblkCmdEncoding encoding() {
        return encoding;
    }

    /** The driver's feature mask from GET_FEATURES (Linux 6.5+), or empty when the kernel lacks the command. */
    public OptionalLong getFeatures() {
        return features < 0 ? OptionalLong.empty() : OptionalLong.of(features);
    }

    /**
     * ADD_DEV: creates {@code /dev/ublkcN} for {@code info} (its devId may be {@link DevInfo#ANY_DEV_ID}). Returns
     * what the kernel filled in: the device id, capped queue count, page-aligned max I/O size and the negotiated
     * flags (requested flags the driver does not know are cleared, some are added).
     */
    public synchronized DevInfo addDev(DevInfo info) throws NativeException {
        MemorySegment devInfo = buffer.asSlice(0, ublksrv_ctrl_dev_info.sizeof());
        info.encode(devInfo);
        command(Command.ADD_DEV, info.devId(), devInfo.address(), (int) devInfo.byteSize(), 0, 0);
        return DevInfo.decode(devInfo);
    }

    /** GET_DEV_INFO. */
    public synchronized DevInfo getDevInfo(int devId) throws NativeException {
        MemorySegment devInfo = buffer.asSlice(0, ublksrv_ctrl_dev_info.sizeof());
        devInfo.fill((byte) 0);
        command(Command.GET_DEV_INFO, devId, devInfo.address(), (int) devInfo.byteSize(), 0, 0);
        return DevInfo.decode(devInfo);
    }

    /**
     * GET_DEV_INFO2 (Linux 6.3+): like GET_DEV_INFO, but the buffer starts with the char device path
     * ({@code /dev/ublkcN}, which must exist), so that it also works for unprivileged devices.
     */
    public synchronized DevInfo getDevInfo2(int devId) throws NativeException {
        byte[] charDev = ("/dev/ublkc" + devId + "\0").getBytes(StandardCharsets.US_ASCII);
        long infoSize = ublksrv_ctrl_dev_info.sizeof();
        buffer.asSlice(0, charDev.length + infoSize).fill((byte) 0);
        MemorySegment.copy(charDev, 0, buffer, ValueLayout.JAVA_BYTE, 0, charDev.length);
        command(Command.GET_DEV_INFO2, devId, buffer.address(), (int) (charDev.length + infoSize), 0,
                charDev.length);
        // the kernel wrote the info right after the path, i.e. unaligned: decode from an aligned copy
        MemorySegment aligned = buffer.asSlice(BUFFER_SIZE / 2, infoSize);
        MemorySegment.copy(buffer, charDev.length, aligned, 0, infoSize);
        return DevInfo.decode(aligned);
    }

    /** SET_PARAMS (only before START_DEV). */
    public synchronized void setParams(int devId, UblkParams params) throws NativeException {
        MemorySegment p = buffer.asSlice(0, ublk_params.sizeof());
        params.encode(p);
        command(Command.SET_PARAMS, devId, p.address(), (int) p.byteSize(), 0, 0);
    }

    /** GET_PARAMS, including the devt part filled by the kernel. */
    public synchronized UblkParams getParams(int devId) throws NativeException {
        MemorySegment p = buffer.asSlice(0, ublk_params.sizeof());
        p.fill((byte) 0);
        ublk_params.len(p, (int) p.byteSize());
        command(Command.GET_PARAMS, devId, p.address(), (int) p.byteSize(), 0, 0);
        return UblkParams.decode(p);
    }

    /** GET_QUEUE_AFFINITY: the CPUs blk-mq maps to queue {@code qid}. */
    public synchronized BitSet getQueueAffinity(int devId, int qid) throws NativeException {
        MemorySegment mask = buffer.asSlice(0, AFFINITY_BYTES);
        mask.fill((byte) 0);
        command(Command.GET_QUEUE_AFFINITY, devId, mask.address(), AFFINITY_BYTES, qid, 0);
        return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_LONG));
    }

    /**
     * START_DEV with the server's pid ({@link Libc#getpid()}): blocks until every tag of every queue has been fetched,
     * then creates {@code /dev/ublkbN}.
     */
    public synchronized void startDev(int devId, int pid) throws NativeException {
        command(Command.START_DEV, devId, 0, 0, pid, 0);
    }

    /** STOP_DEV: removes {@code /dev/ublkbN}; fetched tags complete with {@code UBLK_IO_RES_ABORT}. */
    public synchronized void stopDev(int devId) throws NativeException {
        command(Command.STOP_DEV, devId, 0, 0, 0, 0);
    }

    /** DEL_DEV: deletes the device and waits until its id is free again. */
    public synchronized void delDev(int devId) throws NativeException {
        command(Command.DEL_DEV, devId, 0, 0, 0, 0);
    }

    /** DEL_DEV_ASYNC (Linux 6.9+): deletes without waiting for the last reference to go. */
    public synchronized void delDevAsync(int devId) throws NativeException {
        command(Command.DEL_DEV_ASYNC, devId, 0, 0, 0, 0);
    }

    /** UPDATE_SIZE (Linux 6.16+, {@code UBLK_F_UPDATE_SIZE}): resizes a live device to {@code sectors}. */
    public synchronized void updateSize(int devId, long sectors) throws NativeException {
        command(Command.UPDATE_SIZE, devId, 0, 0, sectors, 0);
    }

    /**
     * QUIESCE_DEV (Linux 6.16+, {@code UBLK_F_QUIESCE}): waits up to {@code timeoutMillis} for in-flight I/O, then
     * moves the device to QUIESCED so that a new server can take over.
     */
    public synchronized void quiesceDev(int devId, long timeoutMillis) throws NativeException {
        command(Command.QUIESCE_DEV, devId, 0, 0, timeoutMillis, 0);
    }

    /** START_USER_RECOVERY: prepares a quiesced device for a new server. */
    public synchronized void startUserRecovery(int devId) throws NativeException {
        command(Command.START_USER_RECOVERY, devId, 0, 0, 0, 0);
    }

    /** END_USER_RECOVERY with the new server's pid, after it fetched every tag. */
    public synchronized void endUserRecovery(int devId, int pid) throws NativeException {
        command(Command.END_USER_RECOVERY, devId, 0, 0, pid, 0);
    }

    /** Runs {@code cmd} in the current numbering, switching numbering once on EOPNOTSUPP; throws on failure. */
    private void command(Command cmd, int devId, long addr, int len, long data0, int devPathLen)
            throws NativeException {
        int op = cmd.op(encoding);
        int r = run(cmd, op, devId, addr, len, data0, devPathLen);
        if (r == -Errno.EOPNOTSUPP && cmd.legacy >= 0) {
            UblkCmdEncoding other = encoding == UblkCmdEncoding.IOCTL ? UblkCmdEncoding.LEGACY : UblkCmdEncoding.IOCTL;
            int otherOp = cmd.op(other);
            int r2 = run(cmd, otherOp, devId, addr, len, data0, devPathLen);
            if (r2 != -Errno.EOPNOTSUPP) {
                encoding = other;
                op = otherOp;
                r = r2;
            }
        }
        if (r < 0) {
            String call = cmd.cName(op);
            throw new NativeException(call, null, -r, call + " (dev " + devId + "): " + Errno.format(-r));
        }
    }

    /** Sends one control command and returns the CQE result. */
    private int run(Command cmd, int op, int devId, long addr, int len, long data0, int devPathLen)
            throws NativeException {
        long c = ring.prepUringCmd(fd, op, ++sequence);
        MemorySegment s = ring.sqes();
        s.set(ValueLayout.JAVA_INT, c + CMD_DEV_ID, devId);
        s.set(ValueLayout.JAVA_SHORT, c + CMD_QUEUE_ID, (short) -1);
        s.set(ValueLayout.JAVA_SHORT, c + CMD_LEN, (short) len);
        s.set(ValueLayout.JAVA_LONG, c + CMD_ADDR, addr);
        s.set(ValueLayout.JAVA_LONG, c + CMD_DATA0, data0);
        s.set(ValueLayout.JAVA_SHORT, c + CMD_DEV_PATH_LEN, (short) devPathLen);
        lastResult = Integer.MIN_VALUE;
        ring.submitAndWait(1);
        if (ring.reap(onCompletion, 1) != 1) {
            throw new IllegalStateException(cmd + ": no completion after waiting for one");
        }
        return lastResult;
    }

    /** The control device path this object opened. */
    public String path() {
        return path;
    }

    /** Closes the ring and the control device. */
    @Override
    public synchronized void close() throws NativeException {
        if (closed) {
            return;
        }
        closed = true;
        ring.close();
        arena.close();
        Libc.close(fd);
    }
}
