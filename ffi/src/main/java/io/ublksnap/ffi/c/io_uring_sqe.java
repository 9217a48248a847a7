package io.ublksnap.ffi.c;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct io_uring_sqe}, the submission queue entry, from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>.
 *
 * <p>The anonymous unions keep the names of their first members as the path elements
 * {@code $anon0}..{@code $anonN}; every member is reachable by its C name. With {@code IORING_SETUP_SQE128} an entry
 * is 128 bytes and {@code cmd} (at byte 48) is the 80-byte passthrough area of {@code IORING_OP_URING_CMD}; in a
 * 64-byte entry it is 16 bytes.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_sqe {

    private io_uring_sqe() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_CHAR.withName("opcode"),
        libc_h.C_CHAR.withName("flags"),
        libc_h.C_SHORT.withName("ioprio"),
        libc_h.C_INT.withName("fd"),
        MemoryLayout.unionLayout(
            libc_h.C_LONG_LONG.withName("off"),
            libc_h.C_LONG_LONG.withName("addr2"),
            MemoryLayout.structLayout(
                libc_h.C_INT.withName("cmd_op"),
                libc_h.C_INT.withName("__pad1")
            ).withName("$anon1")
        ).withName("$anon0"),
        MemoryLayout.unionLayout(
            libc_h.C_LONG_LONG.withName("addr"),
            libc_h.C_LONG_LONG.withName("splice_off_in"),
            MemoryLayout.structLayout(
                libc_h.C_INT.withName("level"),
                libc_h.C_INT.withName("optname")
            ).withName("$anon3")
        ).withName("$anon2"),
        libc_h.C_INT.withName("len"),
        MemoryLayout.unionLayout(
            libc_h.C_INT.withName("rw_flags"),
            libc_h.C_INT.withName("fsync_flags"),
            libc_h.C_INT.withName("poll32_events"),
            libc_h.C_INT.withName("sync_range_flags"),
            libc_h.C_INT.withName("msg_flags"),
            libc_h.C_INT.withName("timeout_flags"),
            libc_h.C_INT.withName("accept_flags"),
            libc_h.C_INT.withName("cancel_flags"),
            libc_h.C_INT.withName("open_flags"),
            libc_h.C_INT.withName("statx_flags"),
            libc_h.C_INT.withName("fadvise_advice"),
            libc_h.C_INT.withName("splice_flags"),
            libc_h.C_INT.withName("rename_flags"),
            libc_h.C_INT.withName("unlink_flags"),
            libc_h.C_INT.withName("hardlink_flags"),
            libc_h.C_INT.withName("xattr_flags"),
            libc_h.C_INT.withName("msg_ring_flags"),
            libc_h.C_INT.withName("uring_cmd_flags"),
            libc_h.C_INT.withName("waitid_flags"),
            libc_h.C_INT.withName("futex_flags"),
            libc_h.C_INT.withName("install_fd_flags"),
            libc_h.C_INT.withName("nop_flags")
        ).withName("$anon4"),
        libc_h.C_LONG_LONG.withName("user_data"),
        MemoryLayout.unionLayout(
            libc_h.C_SHORT.withName("buf_index"),
            libc_h.C_SHORT.withName("buf_group")
        ).withName("$anon5"),
        libc_h.C_SHORT.withName("personality"),
        MemoryLayout.unionLayout(
            libc_h.C_INT.withName("splice_fd_in"),
            libc_h.C_INT.withName("file_index"),
            libc_h.C_INT.withName("optlen"),
            MemoryLayout.structLayout(
                libc_h.C_SHORT.withName("addr_len"),
                MemoryLayout.sequenceLayout(1, libc_h.C_SHORT).withName("__pad3")
            ).withName("$anon7")
        ).withName("$anon6"),
        MemoryLayout.unionLayout(
            MemoryLayout.structLayout(
                libc_h.C_LONG_LONG.withName("addr3"),
                MemoryLayout.sequenceLayout(1, libc_h.C_LONG_LONG).withName("__pad2")
            ).withName("$anon9"),
            MemoryLayout.structLayout(
                libc_h.C_LONG_LONG.withName("attr_ptr"),
                libc_h.C_LONG_LONG.withName("attr_type_mask")
            ).withName("$anon10"),
            MemoryLayout.sequenceLayout(0, libc_h.C_CHAR).withName("cmd")
        ).withName("$anon8")
    ).withName("io_uring_sqe");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_sqe)}. */
    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    /** Allocates a zeroed array of {@code count} structs. */
    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(count, $LAYOUT));
    }

    /** The {@code index}-th struct of an array. */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice($LAYOUT.byteSize() * index, $LAYOUT);
    }

    /** Views native memory at {@code addr} as one struct with the lifetime of {@code arena}. */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return addr.reinterpret($LAYOUT.byteSize(), arena, cleanup);
    }

    private static final ValueLayout.OfByte opcode$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("opcode"));
    private static final long opcode$OFFSET = $LAYOUT.byteOffset(groupElement("opcode"));

    /** Layout of {@code opcode} (u8). */
    public static ValueLayout.OfByte opcode$layout() {
        return opcode$LAYOUT;
    }

    /** Byte offset of {@code opcode}. */
    public static long opcode$offset() {
        return opcode$OFFSET;
    }

    /** Reads {@code opcode}. */
    public static byte opcode(MemorySegment struct) {
        return struct.get(opcode$LAYOUT, opcode$OFFSET);
    }

    /** Writes {@code opcode}. */
    public static void opcode(MemorySegment struct, byte value) {
        struct.set(opcode$LAYOUT, opcode$OFFSET, value);
    }

    private static final ValueLayout.OfByte flags$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u8). */
    public static ValueLayout.OfByte flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static byte flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, byte value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final ValueLayout.OfShort ioprio$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("ioprio"));
    private static final long ioprio$OFFSET = $LAYOUT.byteOffset(groupElement("ioprio"));

    /** Layout of {@code ioprio} (u16). */
    public static ValueLayout.OfShort ioprio$layout() {
        return ioprio$LAYOUT;
    }

    /** Byte offset of {@code ioprio}. */
    public static long ioprio$offset() {
        return ioprio$OFFSET;
    }

    /** Reads {@code ioprio}. */
    public static short ioprio(MemorySegment struct) {
        return struct.get(ioprio$LAYOUT, ioprio$OFFSET);
    }

    /** Writes {@code ioprio}. */
    public static void ioprio(MemorySegment struct, short value) {
        struct.set(ioprio$LAYOUT, ioprio$OFFSET, value);
    }

    private static final ValueLayout.OfInt fd$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("fd"));
    private static final long fd$OFFSET = $LAYOUT.byteOffset(groupElement("fd"));

    /** Layout of {@code fd} (s32). */
    public static ValueLayout.OfInt fd$layout() {
        return fd$LAYOUT;
    }

    /** Byte offset of {@code fd}. */
    public static long fd$offset() {
        return fd$OFFSET;
    }

    /** Reads {@code fd}. */
    public static int fd(MemorySegment struct) {
        return struct.get(fd$LAYOUT, fd$OFFSET);
    }

    /** Writes {@code fd}. */
    public static void fd(MemorySegment struct, int value) {
        struct.set(fd$LAYOUT, fd$OFFSET, value);
    }

    private static final ValueLayout.OfLong off$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon0"), groupElement("off"));
    private static final long off$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("off"));

    /** Layout of {@code off} (u64). */
    public static ValueLayout.OfLong off$layout() {
        return off$LAYOUT;
    }

    /** Byte offset of {@code off}. */
    public static long off$offset() {
        return off$OFFSET;
    }

    /** Reads {@code off}. */
    public static long off(MemorySegment struct) {
        return struct.get(off$LAYOUT, off$OFFSET);
    }

    /** Writes {@code off}. */
    public static void off(MemorySegment struct, long value) {
        struct.set(off$LAYOUT, off$OFFSET, value);
    }

    private static final ValueLayout.OfLong addr2$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon0"), groupElement("addr2"));
    private static final long addr2$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("addr2"));

    /** Layout of {@code addr2} (u64). */
    public static ValueLayout.OfLong addr2$layout() {
        return addr2$LAYOUT;
    }

    /** Byte offset of {@code addr2}. */
    public static long addr2$offset() {
        return addr2$OFFSET;
    }

    /** Reads {@code addr2}. */
    public static long addr2(MemorySegment struct) {
        return struct.get(addr2$LAYOUT, addr2$OFFSET);
    }

    /** Writes {@code addr2}. */
    public static void addr2(MemorySegment struct, long value) {
        struct.set(addr2$LAYOUT, addr2$OFFSET, value);
    }

    private static final ValueLayout.OfInt cmd_op$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon0"), groupElement("$anon1"), groupElement("cmd_op"));
    private static final long cmd_op$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("$anon1"), groupElement("cmd_op"));

    /** Layout of {@code cmd_op} (u32). */
    public static ValueLayout.OfInt cmd_op$layout() {
        return cmd_op$LAYOUT;
    }

    /** Byte offset of {@code cmd_op}. */
    public static long cmd_op$offset() {
        return cmd_op$OFFSET;
    }

    /** Reads {@code cmd_op}. */
    public static int cmd_op(MemorySegment struct) {
        return struct.get(cmd_op$LAYOUT, cmd_op$OFFSET);
    }

    /** Writes {@code cmd_op}. */
    public static void cmd_op(MemorySegment struct, int value) {
        struct.set(cmd_op$LAYOUT, cmd_op$OFFSET, value);
    }

    private static final ValueLayout.OfInt __pad1$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon0"), groupElement("$anon1"), groupElement("__pad1"));
    private static final long __pad1$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("$anon1"), groupElement("__pad1"));

    /** Layout of {@code __pad1} (u32). */
    public static ValueLayout.OfInt __pad1$layout() {
        return __pad1$LAYOUT;
    }

    /** Byte offset of {@code __pad1}. */
    public static long __pad1$offset() {
        return __pad1$OFFSET;
    }

    /** Reads {@code __pad1}. */
    public static int __pad1(MemorySegment struct) {
        return struct.get(__pad1$LAYOUT, __pad1$OFFSET);
    }

    /** Writes {@code __pad1}. */
    public static void __pad1(MemorySegment struct, int value) {
        struct.set(__pad1$LAYOUT, __pad1$OFFSET, value);
    }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon2"), groupElement("addr"));
    private static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon2"), groupElement("addr"));

    /** Layout of {@code addr} (u64). */
    public static ValueLayout.OfLong addr$layout() {
        return addr$LAYOUT;
    }

    /** Byte offset of {@code addr}. */
    public static long addr$offset() {
        return addr$OFFSET;
    }

    /** Reads {@code addr}. */
    public static long addr(MemorySegment struct) {
        return struct.get(addr$LAYOUT, addr$OFFSET);
    }

    /** Writes {@code addr}. */
    public static void addr(MemorySegment struct, long value) {
        struct.set(addr$LAYOUT, addr$OFFSET, value);
    }

    private static final ValueLayout.OfLong splice_off_in$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon2"), groupElement("splice_off_in"));
    private static final long splice_off_in$OFFSET = $LAYOUT.byteOffset(groupElement("$anon2"), groupElement("splice_off_in"));

    /** Layout of {@code splice_off_in} (u64). */
    public static ValueLayout.OfLong splice_off_in$layout() {
        return splice_off_in$LAYOUT;
    }

    /** Byte offset of {@code splice_off_in}. */
    public static long splice_off_in$offset() {
        return splice_off_in$OFFSET;
    }

    /** Reads {@code splice_off_in}. */
    public static long splice_off_in(MemorySegment struct) {
        return struct.get(splice_off_in$LAYOUT, splice_off_in$OFFSET);
    }

    /** Writes {@code splice_off_in}. */
    public static void splice_off_in(MemorySegment struct, long value) {
        struct.set(splice_off_in$LAYOUT, splice_off_in$OFFSET, value);
    }

    private static final ValueLayout.OfInt level$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon2"), groupElement("$anon3"), groupElement("level"));
    private static final long level$OFFSET = $LAYOUT.byteOffset(groupElement("$anon2"), groupElement("$anon3"), groupElement("level"));

    /** Layout of {@code level} (u32). */
    public static ValueLayout.OfInt level$layout() {
        return level$LAYOUT;
    }

    /** Byte offset of {@code level}. */
    public static long level$offset() {
        return level$OFFSET;
    }

    /** Reads {@code level}. */
    public static int level(MemorySegment struct) {
        return struct.get(level$LAYOUT, level$OFFSET);
    }

    /** Writes {@code level}. */
    public static void level(MemorySegment struct, int value) {
        struct.set(level$LAYOUT, level$OFFSET, value);
    }

    private static final ValueLayout.OfInt optname$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon2"), groupElement("$anon3"), groupElement("optname"));
    private static final long optname$OFFSET = $LAYOUT.byteOffset(groupElement("$anon2"), groupElement("$anon3"), groupElement("optname"));

    /** Layout of {@code optname} (u32). */
    public static ValueLayout.OfInt optname$layout() {
        return optname$LAYOUT;
    }

    /** Byte offset of {@code optname}. */
    public static long optname$offset() {
        return optname$OFFSET;
    }

    /** Reads {@code optname}. */
    public static int optname(MemorySegment struct) {
        return struct.get(optname$LAYOUT, optname$OFFSET);
    }

    /** Writes {@code optname}. */
    public static void optname(MemorySegment struct, int value) {
        struct.set(optname$LAYOUT, optname$OFFSET, value);
    }

    private static final ValueLayout.OfInt len$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("len"));
    private static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));

    /** Layout of {@code len} (u32). */
    public static ValueLayout.OfInt len$layout() {
        return len$LAYOUT;
    }

    /** Byte offset of {@code len}. */
    public static long len$offset() {
        return len$OFFSET;
    }

    /** Reads {@code len}. */
    public static int len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    /** Writes {@code len}. */
    public static void len(MemorySegment struct, int value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final ValueLayout.OfInt rw_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("rw_flags"));
    private static final long rw_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("rw_flags"));

    /** Layout of {@code rw_flags} (u32). */
    public static ValueLayout.OfInt rw_flags$layout() {
        return rw_flags$LAYOUT;
    }

    /** Byte offset of {@code rw_flags}. */
    public static long rw_flags$offset() {
        return rw_flags$OFFSET;
    }

    /** Reads {@code rw_flags}. */
    public static int rw_flags(MemorySegment struct) {
        return struct.get(rw_flags$LAYOUT, rw_flags$OFFSET);
    }

    /** Writes {@code rw_flags}. */
    public static void rw_flags(MemorySegment struct, int value) {
        struct.set(rw_flags$LAYOUT, rw_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt fsync_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("fsync_flags"));
    private static final long fsync_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("fsync_flags"));

    /** Layout of {@code fsync_flags} (u32). */
    public static ValueLayout.OfInt fsync_flags$layout() {
        return fsync_flags$LAYOUT;
    }

    /** Byte offset of {@code fsync_flags}. */
    public static long fsync_flags$offset() {
        return fsync_flags$OFFSET;
    }

    /** Reads {@code fsync_flags}. */
    public static int fsync_flags(MemorySegment struct) {
        return struct.get(fsync_flags$LAYOUT, fsync_flags$OFFSET);
    }

    /** Writes {@code fsync_flags}. */
    public static void fsync_flags(MemorySegment struct, int value) {
        struct.set(fsync_flags$LAYOUT, fsync_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt poll32_events$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("poll32_events"));
    private static final long poll32_events$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("poll32_events"));

    /** Layout of {@code poll32_events} (u32). */
    public static ValueLayout.OfInt poll32_events$layout() {
        return poll32_events$LAYOUT;
    }

    /** Byte offset of {@code poll32_events}. */
    public static long poll32_events$offset() {
        return poll32_events$OFFSET;
    }

    /** Reads {@code poll32_events}. */
    public static int poll32_events(MemorySegment struct) {
        return struct.get(poll32_events$LAYOUT, poll32_events$OFFSET);
    }

    /** Writes {@code poll32_events}. */
    public static void poll32_events(MemorySegment struct, int value) {
        struct.set(poll32_events$LAYOUT, poll32_events$OFFSET, value);
    }

    private static final ValueLayout.OfInt sync_range_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("sync_range_flags"));
    private static final long sync_range_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("sync_range_flags"));

    /** Layout of {@code sync_range_flags} (u32). */
    public static ValueLayout.OfInt sync_range_flags$layout() {
        return sync_range_flags$LAYOUT;
    }

    /** Byte offset of {@code sync_range_flags}. */
    public static long sync_range_flags$offset() {
        return sync_range_flags$OFFSET;
    }

    /** Reads {@code sync_range_flags}. */
    public static int sync_range_flags(MemorySegment struct) {
        return struct.get(sync_range_flags$LAYOUT, sync_range_flags$OFFSET);
    }

    /** Writes {@code sync_range_flags}. */
    public static void sync_range_flags(MemorySegment struct, int value) {
        struct.set(sync_range_flags$LAYOUT, sync_range_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt msg_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("msg_flags"));
    private static final long msg_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("msg_flags"));

    /** Layout of {@code msg_flags} (u32). */
    public static ValueLayout.OfInt msg_flags$layout() {
        return msg_flags$LAYOUT;
    }

    /** Byte offset of {@code msg_flags}. */
    public static long msg_flags$offset() {
        return msg_flags$OFFSET;
    }

    /** Reads {@code msg_flags}. */
    public static int msg_flags(MemorySegment struct) {
        return struct.get(msg_flags$LAYOUT, msg_flags$OFFSET);
    }

    /** Writes {@code msg_flags}. */
    public static void msg_flags(MemorySegment struct, int value) {
        struct.set(msg_flags$LAYOUT, msg_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt timeout_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("timeout_flags"));
    private static final long timeout_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("timeout_flags"));

    /** Layout of {@code timeout_flags} (u32). */
    public static ValueLayout.OfInt timeout_flags$layout() {
        return timeout_flags$LAYOUT;
    }

    /** Byte offset of {@code timeout_flags}. */
    public static long timeout_flags$offset() {
        return timeout_flags$OFFSET;
    }

    /** Reads {@code timeout_flags}. */
    public static int timeout_flags(MemorySegment struct) {
        return struct.get(timeout_flags$LAYOUT, timeout_flags$OFFSET);
    }

    /** Writes {@code timeout_flags}. */
    public static void timeout_flags(MemorySegment struct, int value) {
        struct.set(timeout_flags$LAYOUT, timeout_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt accept_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("accept_flags"));
    private static final long accept_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("accept_flags"));

    /** Layout of {@code accept_flags} (u32). */
    public static ValueLayout.OfInt accept_flags$layout() {
        return accept_flags$LAYOUT;
    }

    /** Byte offset of {@code accept_flags}. */
    public static long accept_flags$offset() {
        return accept_flags$OFFSET;
    }

    /** Reads {@code accept_flags}. */
    public static int accept_flags(MemorySegment struct) {
        return struct.get(accept_flags$LAYOUT, accept_flags$OFFSET);
    }

    /** Writes {@code accept_flags}. */
    public static void accept_flags(MemorySegment struct, int value) {
        struct.set(accept_flags$LAYOUT, accept_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt cancel_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("cancel_flags"));
    private static final long cancel_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("cancel_flags"));

    /** Layout of {@code cancel_flags} (u32). */
    public static ValueLayout.OfInt cancel_flags$layout() {
        return cancel_flags$LAYOUT;
    }

    /** Byte offset of {@code cancel_flags}. */
    public static long cancel_flags$offset() {
        return cancel_flags$OFFSET;
    }

    /** Reads {@code cancel_flags}. */
    public static int cancel_flags(MemorySegment struct) {
        return struct.get(cancel_flags$LAYOUT, cancel_flags$OFFSET);
    }

    /** Writes {@code cancel_flags}. */
    public static void cancel_flags(MemorySegment struct, int value) {
        struct.set(cancel_flags$LAYOUT, cancel_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt open_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("open_flags"));
    private static final long open_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("open_flags"));

    /** Layout of {@code open_flags} (u32). */
    public static ValueLayout.OfInt open_flags$layout() {
        return open_flags$LAYOUT;
    }

    /** Byte offset of {@code open_flags}. */
    public static long open_flags$offset() {
        return open_flags$OFFSET;
    }

    /** Reads {@code open_flags}. */
    public static int open_flags(MemorySegment struct) {
        return struct.get(open_flags$LAYOUT, open_flags$OFFSET);
    }

    /** Writes {@code open_flags}. */
    public static void open_flags(MemorySegment struct, int value) {
        struct.set(open_flags$LAYOUT, open_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt statx_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("statx_flags"));
    private static final long statx_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("statx_flags"));

    /** Layout of {@code statx_flags} (u32). */
    public static ValueLayout.OfInt statx_flags$layout() {
        return statx_flags$LAYOUT;
    }

    /** Byte offset of {@code statx_flags}. */
    public static long statx_flags$offset() {
        return statx_flags$OFFSET;
    }

    /** Reads {@code statx_flags}. */
    public static int statx_flags(MemorySegment struct) {
        return struct.get(statx_flags$LAYOUT, statx_flags$OFFSET);
    }

    /** Writes {@code statx_flags}. */
    public static void statx_flags(MemorySegment struct, int value) {
        struct.set(statx_flags$LAYOUT, statx_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt fadvise_advice$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("fadvise_advice"));
    private static final long fadvise_advice$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("fadvise_advice"));

    /** Layout of {@code fadvise_advice} (u32). */
    public static ValueLayout.OfInt fadvise_advice$layout() {
        return fadvise_advice$LAYOUT;
    }

    /** Byte offset of {@code fadvise_advice}. */
    public static long fadvise_advice$offset() {
        return fadvise_advice$OFFSET;
    }

    /** Reads {@code fadvise_advice}. */
    public static int fadvise_advice(MemorySegment struct) {
        return struct.get(fadvise_advice$LAYOUT, fadvise_advice$OFFSET);
    }

    /** Writes {@code fadvise_advice}. */
    public static void fadvise_advice(MemorySegment struct, int value) {
        struct.set(fadvise_advice$LAYOUT, fadvise_advice$OFFSET, value);
    }

    private static final ValueLayout.OfInt splice_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("splice_flags"));
    private static final long splice_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("splice_flags"));

    /** Layout of {@code splice_flags} (u32). */
    public static ValueLayout.OfInt splice_flags$layout() {
        return splice_flags$LAYOUT;
    }

    /** Byte offset of {@code splice_flags}. */
    public static long splice_flags$offset() {
        return splice_flags$OFFSET;
    }

    /** Reads {@code splice_flags}. */
    public static int splice_flags(MemorySegment struct) {
        return struct.get(splice_flags$LAYOUT, splice_flags$OFFSET);
    }

    /** Writes {@code splice_flags}. */
    public static void splice_flags(MemorySegment struct, int value) {
        struct.set(splice_flags$LAYOUT, splice_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt rename_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("rename_flags"));
    private static final long rename_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("rename_flags"));

    /** Layout of {@code rename_flags} (u32). */
    public static ValueLayout.OfInt rename_flags$layout() {
        return rename_flags$LAYOUT;
    }

    /** Byte offset of {@code rename_flags}. */
    public static long rename_flags$offset() {
        return rename_flags$OFFSET;
    }

    /** Reads {@code rename_flags}. */
    public static int rename_flags(MemorySegment struct) {
        return struct.get(rename_flags$LAYOUT, rename_flags$OFFSET);
    }

    /** Writes {@code rename_flags}. */
    public static void rename_flags(MemorySegment struct, int value) {
        struct.set(rename_flags$LAYOUT, rename_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt unlink_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("unlink_flags"));
    private static final long unlink_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("unlink_flags"));

    /** Layout of {@code unlink_flags} (u32). */
    public static ValueLayout.OfInt unlink_flags$layout() {
        return unlink_flags$LAYOUT;
    }

    /** Byte offset of {@code unlink_flags}. */
    public static long unlink_flags$offset() {
        return unlink_flags$OFFSET;
    }

    /** Reads {@code unlink_flags}. */
    public static int unlink_flags(MemorySegment struct) {
        return struct.get(unlink_flags$LAYOUT, unlink_flags$OFFSET);
    }

    /** Writes {@code unlink_flags}. */
    public static void unlink_flags(MemorySegment struct, int value) {
        struct.set(unlink_flags$LAYOUT, unlink_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt hardlink_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("hardlink_flags"));
    private static final long hardlink_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("hardlink_flags"));

    /** Layout of {@code hardlink_flags} (u32). */
    public static ValueLayout.OfInt hardlink_flags$layout() {
        return hardlink_flags$LAYOUT;
    }

    /** Byte offset of {@code hardlink_flags}. */
    public static long hardlink_flags$offset() {
        return hardlink_flags$OFFSET;
    }

    /** Reads {@code hardlink_flags}. */
    public static int hardlink_flags(MemorySegment struct) {
        return struct.get(hardlink_flags$LAYOUT, hardlink_flags$OFFSET);
    }

    /** Writes {@code hardlink_flags}. */
    public static void hardlink_flags(MemorySegment struct, int value) {
        struct.set(hardlink_flags$LAYOUT, hardlink_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt xattr_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("xattr_flags"));
    private static final long xattr_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("xattr_flags"));

    /** Layout of {@code xattr_flags} (u32). */
    public static ValueLayout.OfInt xattr_flags$layout() {
        return xattr_flags$LAYOUT;
    }

    /** Byte offset of {@code xattr_flags}. */
    public static long xattr_flags$offset() {
        return xattr_flags$OFFSET;
    }

    /** Reads {@code xattr_flags}. */
    public static int xattr_flags(MemorySegment struct) {
        return struct.get(xattr_flags$LAYOUT, xattr_flags$OFFSET);
    }

    /** Writes {@code xattr_flags}. */
    public static void xattr_flags(MemorySegment struct, int value) {
        struct.set(xattr_flags$LAYOUT, xattr_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt msg_ring_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("msg_ring_flags"));
    private static final long msg_ring_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("msg_ring_flags"));

    /** Layout of {@code msg_ring_flags} (u32). */
    public static ValueLayout.OfInt msg_ring_flags$layout() {
        return msg_ring_flags$LAYOUT;
    }

    /** Byte offset of {@code msg_ring_flags}. */
    public static long msg_ring_flags$offset() {
        return msg_ring_flags$OFFSET;
    }

    /** Reads {@code msg_ring_flags}. */
    public static int msg_ring_flags(MemorySegment struct) {
        return struct.get(msg_ring_flags$LAYOUT, msg_ring_flags$OFFSET);
    }

    /** Writes {@code msg_ring_flags}. */
    public static void msg_ring_flags(MemorySegment struct, int value) {
        struct.set(msg_ring_flags$LAYOUT, msg_ring_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt uring_cmd_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("uring_cmd_flags"));
    private static final long uring_cmd_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("uring_cmd_flags"));

    /** Layout of {@code uring_cmd_flags} (u32). */
    public static ValueLayout.OfInt uring_cmd_flags$layout() {
        return uring_cmd_flags$LAYOUT;
    }

    /** Byte offset of {@code uring_cmd_flags}. */
    public static long uring_cmd_flags$offset() {
        return uring_cmd_flags$OFFSET;
    }

    /** Reads {@code uring_cmd_flags}. */
    public static int uring_cmd_flags(MemorySegment struct) {
        return struct.get(uring_cmd_flags$LAYOUT, uring_cmd_flags$OFFSET);
    }

    /** Writes {@code uring_cmd_flags}. */
    public static void uring_cmd_flags(MemorySegment struct, int value) {
        struct.set(uring_cmd_flags$LAYOUT, uring_cmd_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt waitid_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("waitid_flags"));
    private static final long waitid_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("waitid_flags"));

    /** Layout of {@code waitid_flags} (u32). */
    public static ValueLayout.OfInt waitid_flags$layout() {
        return waitid_flags$LAYOUT;
    }

    /** Byte offset of {@code waitid_flags}. */
    public static long waitid_flags$offset() {
        return waitid_flags$OFFSET;
    }

    /** Reads {@code waitid_flags}. */
    public static int waitid_flags(MemorySegment struct) {
        return struct.get(waitid_flags$LAYOUT, waitid_flags$OFFSET);
    }

    /** Writes {@code waitid_flags}. */
    public static void waitid_flags(MemorySegment struct, int value) {
        struct.set(waitid_flags$LAYOUT, waitid_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt futex_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("futex_flags"));
    private static final long futex_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("futex_flags"));

    /** Layout of {@code futex_flags} (u32). */
    public static ValueLayout.OfInt futex_flags$layout() {
        return futex_flags$LAYOUT;
    }

    /** Byte offset of {@code futex_flags}. */
    public static long futex_flags$offset() {
        return futex_flags$OFFSET;
    }

    /** Reads {@code futex_flags}. */
    public static int futex_flags(MemorySegment struct) {
        return struct.get(futex_flags$LAYOUT, futex_flags$OFFSET);
    }

    /** Writes {@code futex_flags}. */
    public static void futex_flags(MemorySegment struct, int value) {
        struct.set(futex_flags$LAYOUT, futex_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt install_fd_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("install_fd_flags"));
    private static final long install_fd_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("install_fd_flags"));

    /** Layout of {@code install_fd_flags} (u32). */
    public static ValueLayout.OfInt install_fd_flags$layout() {
        return install_fd_flags$LAYOUT;
    }

    /** Byte offset of {@code install_fd_flags}. */
    public static long install_fd_flags$offset() {
        return install_fd_flags$OFFSET;
    }

    /** Reads {@code install_fd_flags}. */
    public static int install_fd_flags(MemorySegment struct) {
        return struct.get(install_fd_flags$LAYOUT, install_fd_flags$OFFSET);
    }

    /** Writes {@code install_fd_flags}. */
    public static void install_fd_flags(MemorySegment struct, int value) {
        struct.set(install_fd_flags$LAYOUT, install_fd_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt nop_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon4"), groupElement("nop_flags"));
    private static final long nop_flags$OFFSET = $LAYOUT.byteOffset(groupElement("$anon4"), groupElement("nop_flags"));

    /** Layout of {@code nop_flags} (u32). */
    public static ValueLayout.OfInt nop_flags$layout() {
        return nop_flags$LAYOUT;
    }

    /** Byte offset of {@code nop_flags}. */
    public static long nop_flags$offset() {
        return nop_flags$OFFSET;
    }

    /** Reads {@code nop_flags}. */
    public static int nop_flags(MemorySegment struct) {
        return struct.get(nop_flags$LAYOUT, nop_flags$OFFSET);
    }

    /** Writes {@code nop_flags}. */
    public static void nop_flags(MemorySegment struct, int value) {
        struct.set(nop_flags$LAYOUT, nop_flags$OFFSET, value);
    }

    private static final ValueLayout.OfLong user_data$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("user_data"));
    private static final long user_data$OFFSET = $LAYOUT.byteOffset(groupElement("user_data"));

    /** Layout of {@code user_data} (u64). */
    public static ValueLayout.OfLong user_data$layout() {
        return user_data$LAYOUT;
    }

    /** Byte offset of {@code user_data}. */
    public static long user_data$offset() {
        return user_data$OFFSET;
    }

    /** Reads {@code user_data}. */
    public static long user_data(MemorySegment struct) {
        return struct.get(user_data$LAYOUT, user_data$OFFSET);
    }

    /** Writes {@code user_data}. */
    public static void user_data(MemorySegment struct, long value) {
        struct.set(user_data$LAYOUT, user_data$OFFSET, value);
    }

    private static final ValueLayout.OfShort buf_index$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("$anon5"), groupElement("buf_index"));
    private static final long buf_index$OFFSET = $LAYOUT.byteOffset(groupElement("$anon5"), groupElement("buf_index"));

    /** Layout of {@code buf_index} (u16). */
    public static ValueLayout.OfShort buf_index$layout() {
        return buf_index$LAYOUT;
    }

    /** Byte offset of {@code buf_index}. */
    public static long buf_index$offset() {
        return buf_index$OFFSET;
    }

    /** Reads {@code buf_index}. */
    public static short buf_index(MemorySegment struct) {
        return struct.get(buf_index$LAYOUT, buf_index$OFFSET);
    }

    /** Writes {@code buf_index}. */
    public static void buf_index(MemorySegment struct, short value) {
        struct.set(buf_index$LAYOUT, buf_index$OFFSET, value);
    }

    private static final ValueLayout.OfShort buf_group$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("$anon5"), groupElement("buf_group"));
    private static final long buf_group$OFFSET = $LAYOUT.byteOffset(groupElement("$anon5"), groupElement("buf_group"));

    /** Layout of {@code buf_group} (u16). */
    public static ValueLayout.OfShort buf_group$layout() {
        return buf_group$LAYOUT;
    }

    /** Byte offset of {@code buf_group}. */
    public static long buf_group$offset() {
        return buf_group$OFFSET;
    }

    /** Reads {@code buf_group}. */
    public static short buf_group(MemorySegment struct) {
        return struct.get(buf_group$LAYOUT, buf_group$OFFSET);
    }

    /** Writes {@code buf_group}. */
    public static void buf_group(MemorySegment struct, short value) {
        struct.set(buf_group$LAYOUT, buf_group$OFFSET, value);
    }

    private static final ValueLayout.OfShort personality$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("personality"));
    private static final long personality$OFFSET = $LAYOUT.byteOffset(groupElement("personality"));

    /** Layout of {@code personality} (u16). */
    public static ValueLayout.OfShort personality$layout() {
        return personality$LAYOUT;
    }

    /** Byte offset of {@code personality}. */
    public static long personality$offset() {
        return personality$OFFSET;
    }

    /** Reads {@code personality}. */
    public static short personality(MemorySegment struct) {
        return struct.get(personality$LAYOUT, personality$OFFSET);
    }

    /** Writes {@code personality}. */
    public static void personality(MemorySegment struct, short value) {
        struct.set(personality$LAYOUT, personality$OFFSET, value);
    }

    private static final ValueLayout.OfInt splice_fd_in$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon6"), groupElement("splice_fd_in"));
    private static final long splice_fd_in$OFFSET = $LAYOUT.byteOffset(groupElement("$anon6"), groupElement("splice_fd_in"));

    /** Layout of {@code splice_fd_in} (s32). */
    public static ValueLayout.OfInt splice_fd_in$layout() {
        return splice_fd_in$LAYOUT;
    }

    /** Byte offset of {@code splice_fd_in}. */
    public static long splice_fd_in$offset() {
        return splice_fd_in$OFFSET;
    }

    /** Reads {@code splice_fd_in}. */
    public static int splice_fd_in(MemorySegment struct) {
        return struct.get(splice_fd_in$LAYOUT, splice_fd_in$OFFSET);
    }

    /** Writes {@code splice_fd_in}. */
    public static void splice_fd_in(MemorySegment struct, int value) {
        struct.set(splice_fd_in$LAYOUT, splice_fd_in$OFFSET, value);
    }

    private static final ValueLayout.OfInt file_index$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon6"), groupElement("file_index"));
    private static final long file_index$OFFSET = $LAYOUT.byteOffset(groupElement("$anon6"), groupElement("file_index"));

    /** Layout of {@code file_index} (u32). */
    public static ValueLayout.OfInt file_index$layout() {
        return file_index$LAYOUT;
    }

    /** Byte offset of {@code file_index}. */
    public static long file_index$offset() {
        return file_index$OFFSET;
    }

    /** Reads {@code file_index}. */
    public static int file_index(MemorySegment struct) {
        return struct.get(file_index$LAYOUT, file_index$OFFSET);
    }

    /** Writes {@code file_index}. */
    public static void file_index(MemorySegment struct, int value) {
        struct.set(file_index$LAYOUT, file_index$OFFSET, value);
    }

    private static final ValueLayout.OfInt optlen$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon6"), groupElement("optlen"));
    private static final long optlen$OFFSET = $LAYOUT.byteOffset(groupElement("$anon6"), groupElement("optlen"));

    /** Layout of {@code optlen} (u32). */
    public static ValueLayout.OfInt optlen$layout() {
        return optlen$LAYOUT;
    }

    /** Byte offset of {@code optlen}. */
    public static long optlen$offset() {
        return optlen$OFFSET;
    }

    /** Reads {@code optlen}. */
    public static int optlen(MemorySegment struct) {
        return struct.get(optlen$LAYOUT, optlen$OFFSET);
    }

    /** Writes {@code optlen}. */
    public static void optlen(MemorySegment struct, int value) {
        struct.set(optlen$LAYOUT, optlen$OFFSET, value);
    }

    private static final ValueLayout.OfShort addr_len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("$anon6"), groupElement("$anon7"), groupElement("addr_len"));
    private static final long addr_len$OFFSET = $LAYOUT.byteOffset(groupElement("$anon6"), groupElement("$anon7"), groupElement("addr_len"));

    /** Layout of {@code addr_len} (u16). */
    public static ValueLayout.OfShort addr_len$layout() {
        return addr_len$LAYOUT;
    }

    /** Byte offset of {@code addr_len}. */
    public static long addr_len$offset() {
        return addr_len$OFFSET;
    }

    /** Reads {@code addr_len}. */
    public static short addr_len(MemorySegment struct) {
        return struct.get(addr_len$LAYOUT, addr_len$OFFSET);
    }

    /** Writes {@code addr_len}. */
    public static void addr_len(MemorySegment struct, short value) {
        struct.set(addr_len$LAYOUT, addr_len$OFFSET, value);
    }

    private static final SequenceLayout __pad3$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("$anon6"), groupElement("$anon7"), groupElement("__pad3"));
    private static final long __pad3$OFFSET = $LAYOUT.byteOffset(groupElement("$anon6"), groupElement("$anon7"), groupElement("__pad3"));

    /** Layout of {@code __pad3[1]}. */
    public static SequenceLayout __pad3$layout() {
        return __pad3$LAYOUT;
    }

    /** Byte offset of {@code __pad3}. */
    public static long __pad3$offset() {
        return __pad3$OFFSET;
    }

    /** The array {@code __pad3} as a slice of {@code struct}. */
    public static MemorySegment __pad3(MemorySegment struct) {
        return struct.asSlice(__pad3$OFFSET, __pad3$LAYOUT);
    }

    /** Reads {@code __pad3[index]}. */
    public static short __pad3(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfShort) __pad3$LAYOUT.elementLayout(), __pad3$OFFSET + index * 2);
    }

    /** Writes {@code __pad3[index]}. */
    public static void __pad3(MemorySegment struct, long index, short value) {
        struct.set((ValueLayout.OfShort) __pad3$LAYOUT.elementLayout(), __pad3$OFFSET + index * 2, value);
    }

    private static final ValueLayout.OfLong addr3$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon8"), groupElement("$anon9"), groupElement("addr3"));
    private static final long addr3$OFFSET = $LAYOUT.byteOffset(groupElement("$anon8"), groupElement("$anon9"), groupElement("addr3"));

    /** Layout of {@code addr3} (u64). */
    public static ValueLayout.OfLong addr3$layout() {
        return addr3$LAYOUT;
    }

    /** Byte offset of {@code addr3}. */
    public static long addr3$offset() {
        return addr3$OFFSET;
    }

    /** Reads {@code addr3}. */
    public static long addr3(MemorySegment struct) {
        return struct.get(addr3$LAYOUT, addr3$OFFSET);
    }

    /** Writes {@code addr3}. */
    public static void addr3(MemorySegment struct, long value) {
        struct.set(addr3$LAYOUT, addr3$OFFSET, value);
    }

    private static final SequenceLayout __pad2$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("$anon8"), groupElement("$anon9"), groupElement("__pad2"));
    private static final long __pad2$OFFSET = $LAYOUT.byteOffset(groupElement("$anon8"), groupElement("$anon9"), groupElement("__pad2"));

    /** Layout of {@code __pad2[1]}. */
    public static SequenceLayout __pad2$layout() {
        return __pad2$LAYOUT;
    }

    /** Byte offset of {@code __pad2}. */
    public static long __pad2$offset() {
        return __pad2$OFFSET;
    }

    /** The array {@code __pad2} as a slice of {@code struct}. */
    public static MemorySegment __pad2(MemorySegment struct) {
        return struct.asSlice(__pad2$OFFSET, __pad2$LAYOUT);
    }

    /** Reads {@code __pad2[index]}. */
    public static long __pad2(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfLong) __pad2$LAYOUT.elementLayout(), __pad2$OFFSET + index * 8);
    }

    /** Writes {@code __pad2[index]}. */
    public static void __pad2(MemorySegment struct, long index, long value) {
        struct.set((ValueLayout.OfLong) __pad2$LAYOUT.elementLayout(), __pad2$OFFSET + index * 8, value);
    }

    private static final ValueLayout.OfLong attr_ptr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon8"), groupElement("$anon10"), groupElement("attr_ptr"));
    private static final long attr_ptr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon8"), groupElement("$anon10"), groupElement("attr_ptr"));

    /** Layout of {@code attr_ptr} (u64). */
    public static ValueLayout.OfLong attr_ptr$layout() {
        return attr_ptr$LAYOUT;
    }

    /** Byte offset of {@code attr_ptr}. */
    public static long attr_ptr$offset() {
        return attr_ptr$OFFSET;
    }

    /** Reads {@code attr_ptr}. */
    public static long attr_ptr(MemorySegment struct) {
        return struct.get(attr_ptr$LAYOUT, attr_ptr$OFFSET);
    }

    /** Writes {@code attr_ptr}. */
    public static void attr_ptr(MemorySegment struct, long value) {
        struct.set(attr_ptr$LAYOUT, attr_ptr$OFFSET, value);
    }

    private static final ValueLayout.OfLong attr_type_mask$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon8"), groupElement("$anon10"), groupElement("attr_type_mask"));
    private static final long attr_type_mask$OFFSET = $LAYOUT.byteOffset(groupElement("$anon8"), groupElement("$anon10"), groupElement("attr_type_mask"));

    /** Layout of {@code attr_type_mask} (u64). */
    public static ValueLayout.OfLong attr_type_mask$layout() {
        return attr_type_mask$LAYOUT;
    }

    /** Byte offset of {@code attr_type_mask}. */
    public static long attr_type_mask$offset() {
        return attr_type_mask$OFFSET;
    }

    /** Reads {@code attr_type_mask}. */
    public static long attr_type_mask(MemorySegment struct) {
        return struct.get(attr_type_mask$LAYOUT, attr_type_mask$OFFSET);
    }

    /** Writes {@code attr_type_mask}. */
    public static void attr_type_mask(MemorySegment struct, long value) {
        struct.set(attr_type_mask$LAYOUT, attr_type_mask$OFFSET, value);
    }

    private static final SequenceLayout cmd$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("$anon8"), groupElement("cmd"));
    private static final long cmd$OFFSET = $LAYOUT.byteOffset(groupElement("$anon8"), groupElement("cmd"));

    /** Layout of {@code cmd[0]}. */
    public static SequenceLayout cmd$layout() {
        return cmd$LAYOUT;
    }

    /** Byte offset of {@code cmd}. */
    public static long cmd$offset() {
        return cmd$OFFSET;
    }

    /** The array {@code cmd} as a slice of {@code struct}. */
    public static MemorySegment cmd(MemorySegment struct) {
        return struct.asSlice(cmd$OFFSET, cmd$LAYOUT);
    }

    /** Reads {@code cmd[index]}. */
    public static byte cmd(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfByte) cmd$LAYOUT.elementLayout(), cmd$OFFSET + index * 1);
    }

    /** Writes {@code cmd[index]}. */
    public static void cmd(MemorySegment struct, long index, byte value) {
        struct.set((ValueLayout.OfByte) cmd$LAYOUT.elementLayout(), cmd$OFFSET + index * 1, value);
    }

}
