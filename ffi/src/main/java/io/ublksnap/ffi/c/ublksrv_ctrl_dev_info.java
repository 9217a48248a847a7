package io.ublksnap.ffi.c;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct ublksrv_ctrl_dev_info} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: device description exchanged by
 * {@code ADD_DEV} and {@code GET_DEV_INFO}. {@code io_desc_size} was {@code pad0} and {@code owner_uid}/{@code owner_gid}
 * were {@code reserved0} in older headers (same offsets).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublksrv_ctrl_dev_info {

    private ublksrv_ctrl_dev_info() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("nr_hw_queues"),
        libc_h.C_SHORT.withName("queue_depth"),
        libc_h.C_SHORT.withName("state"),
        libc_h.C_SHORT.withName("io_desc_size"),
        libc_h.C_INT.withName("max_io_buf_bytes"),
        libc_h.C_INT.withName("dev_id"),
        libc_h.C_INT.withName("ublksrv_pid"),
        libc_h.C_INT.withName("pad1"),
        libc_h.C_LONG_LONG.withName("flags"),
        libc_h.C_LONG_LONG.withName("ublksrv_flags"),
        libc_h.C_INT.withName("owner_uid"),
        libc_h.C_INT.withName("owner_gid"),
        libc_h.C_LONG_LONG.withName("reserved1"),
        libc_h.C_LONG_LONG.withName("reserved2")
    ).withName("ublksrv_ctrl_dev_info");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublksrv_ctrl_dev_info)}. */
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

    private static final ValueLayout.OfShort nr_hw_queues$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("nr_hw_queues"));
    private static final long nr_hw_queues$OFFSET = $LAYOUT.byteOffset(groupElement("nr_hw_queues"));

    /** Layout of {@code nr_hw_queues} (u16). */
    public static ValueLayout.OfShort nr_hw_queues$layout() {
        return nr_hw_queues$LAYOUT;
    }

    /** Byte offset of {@code nr_hw_queues}. */
    public static long nr_hw_queues$offset() {
        return nr_hw_queues$OFFSET;
    }

    /** Reads {@code nr_hw_queues}. */
    public static short nr_hw_queues(MemorySegment struct) {
        return struct.get(nr_hw_queues$LAYOUT, nr_hw_queues$OFFSET);
    }

    /** Writes {@code nr_hw_queues}. */
    public static void nr_hw_queues(MemorySegment struct, short value) {
        struct.set(nr_hw_queues$LAYOUT, nr_hw_queues$OFFSET, value);
    }

    private static final ValueLayout.OfShort queue_depth$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("queue_depth"));
    private static final long queue_depth$OFFSET = $LAYOUT.byteOffset(groupElement("queue_depth"));

    /** Layout of {@code queue_depth} (u16). */
    public static ValueLayout.OfShort queue_depth$layout() {
        return queue_depth$LAYOUT;
    }

    /** Byte offset of {@code queue_depth}. */
    public static long queue_depth$offset() {
        return queue_depth$OFFSET;
    }

    /** Reads {@code queue_depth}. */
    public static short queue_depth(MemorySegment struct) {
        return struct.get(queue_depth$LAYOUT, queue_depth$OFFSET);
    }

    /** Writes {@code queue_depth}. */
    public static void queue_depth(MemorySegment struct, short value) {
        struct.set(queue_depth$LAYOUT, queue_depth$OFFSET, value);
    }

    private static final ValueLayout.OfShort state$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("state"));
    private static final long state$OFFSET = $LAYOUT.byteOffset(groupElement("state"));

    /** Layout of {@code state} (u16). */
    public static ValueLayout.OfShort state$layout() {
        return state$LAYOUT;
    }

    /** Byte offset of {@code state}. */
    public static long state$offset() {
        return state$OFFSET;
    }

    /** Reads {@code state}. */
    public static short state(MemorySegment struct) {
        return struct.get(state$LAYOUT, state$OFFSET);
    }

    /** Writes {@code state}. */
    public static void state(MemorySegment struct, short value) {
        struct.set(state$LAYOUT, state$OFFSET, value);
    }

    private static final ValueLayout.OfShort io_desc_size$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("io_desc_size"));
    private static final long io_desc_size$OFFSET = $LAYOUT.byteOffset(groupElement("io_desc_size"));

    /** Layout of {@code io_desc_size} (u16). */
    public static ValueLayout.OfShort io_desc_size$layout() {
        return io_desc_size$LAYOUT;
    }

    /** Byte offset of {@code io_desc_size}. */
    public static long io_desc_size$offset() {
        return io_desc_size$OFFSET;
    }

    /** Reads {@code io_desc_size}. */
    public static short io_desc_size(MemorySegment struct) {
        return struct.get(io_desc_size$LAYOUT, io_desc_size$OFFSET);
    }

    /** Writes {@code io_desc_size}. */
    public static void io_desc_size(MemorySegment struct, short value) {
        struct.set(io_desc_size$LAYOUT, io_desc_size$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_io_buf_bytes$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_io_buf_bytes"));
    private static final long max_io_buf_bytes$OFFSET = $LAYOUT.byteOffset(groupElement("max_io_buf_bytes"));

    /** Layout of {@code max_io_buf_bytes} (u32). */
    public static ValueLayout.OfInt max_io_buf_bytes$layout() {
        return max_io_buf_bytes$LAYOUT;
    }

    /** Byte offset of {@code max_io_buf_bytes}. */
    public static long max_io_buf_bytes$offset() {
        return max_io_buf_bytes$OFFSET;
    }

    /** Reads {@code max_io_buf_bytes}. */
    public static int max_io_buf_bytes(MemorySegment struct) {
        return struct.get(max_io_buf_bytes$LAYOUT, max_io_buf_bytes$OFFSET);
    }

    /** Writes {@code max_io_buf_bytes}. */
    public static void max_io_buf_bytes(MemorySegment struct, int value) {
        struct.set(max_io_buf_bytes$LAYOUT, max_io_buf_bytes$OFFSET, value);
    }

    private static final ValueLayout.OfInt dev_id$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("dev_id"));
    private static final long dev_id$OFFSET = $LAYOUT.byteOffset(groupElement("dev_id"));

    /** Layout of {@code dev_id} (u32). */
    public static ValueLayout.OfInt dev_id$layout() {
        return dev_id$LAYOUT;
    }

    /** Byte offset of {@code dev_id}. */
    public static long dev_id$offset() {
        return dev_id$OFFSET;
    }

    /** Reads {@code dev_id}. */
    public static int dev_id(MemorySegment struct) {
        return struct.get(dev_id$LAYOUT, dev_id$OFFSET);
    }

    /** Writes {@code dev_id}. */
    public static void dev_id(MemorySegment struct, int value) {
        struct.set(dev_id$LAYOUT, dev_id$OFFSET, value);
    }

    private static final ValueLayout.OfInt ublksrv_pid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ublksrv_pid"));
    private static final long ublksrv_pid$OFFSET = $LAYOUT.byteOffset(groupElement("ublksrv_pid"));

    /** Layout of {@code ublksrv_pid} (s32). */
    public static ValueLayout.OfInt ublksrv_pid$layout() {
        return ublksrv_pid$LAYOUT;
    }

    /** Byte offset of {@code ublksrv_pid}. */
    public static long ublksrv_pid$offset() {
        return ublksrv_pid$OFFSET;
    }

    /** Reads {@code ublksrv_pid}. */
    public static int ublksrv_pid(MemorySegment struct) {
        return struct.get(ublksrv_pid$LAYOUT, ublksrv_pid$OFFSET);
    }

    /** Writes {@code ublksrv_pid}. */
    public static void ublksrv_pid(MemorySegment struct, int value) {
        struct.set(ublksrv_pid$LAYOUT, ublksrv_pid$OFFSET, value);
    }

    private static final ValueLayout.OfInt pad1$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("pad1"));
    private static final long pad1$OFFSET = $LAYOUT.byteOffset(groupElement("pad1"));

    /** Layout of {@code pad1} (u32). */
    public static ValueLayout.OfInt pad1$layout() {
        return pad1$LAYOUT;
    }

    /** Byte offset of {@code pad1}. */
    public static long pad1$offset() {
        return pad1$OFFSET;
    }

    /** Reads {@code pad1}. */
    public static int pad1(MemorySegment struct) {
        return struct.get(pad1$LAYOUT, pad1$OFFSET);
    }

    /** Writes {@code pad1}. */
    public static void pad1(MemorySegment struct, int value) {
        struct.set(pad1$LAYOUT, pad1$OFFSET, value);
    }

    private static final ValueLayout.OfLong flags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u64). */
    public static ValueLayout.OfLong flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static long flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, long value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final ValueLayout.OfLong ublksrv_flags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ublksrv_flags"));
    private static final long ublksrv_flags$OFFSET = $LAYOUT.byteOffset(groupElement("ublksrv_flags"));

    /** Layout of {@code ublksrv_flags} (u64). */
    public static ValueLayout.OfLong ublksrv_flags$layout() {
        return ublksrv_flags$LAYOUT;
    }

    /** Byte offset of {@code ublksrv_flags}. */
    public static long ublksrv_flags$offset() {
        return ublksrv_flags$OFFSET;
    }

    /** Reads {@code ublksrv_flags}. */
    public static long ublksrv_flags(MemorySegment struct) {
        return struct.get(ublksrv_flags$LAYOUT, ublksrv_flags$OFFSET);
    }

    /** Writes {@code ublksrv_flags}. */
    public static void ublksrv_flags(MemorySegment struct, long value) {
        struct.set(ublksrv_flags$LAYOUT, ublksrv_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt owner_uid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("owner_uid"));
    private static final long owner_uid$OFFSET = $LAYOUT.byteOffset(groupElement("owner_uid"));

    /** Layout of {@code owner_uid} (u32). */
    public static ValueLayout.OfInt owner_uid$layout() {
        return owner_uid$LAYOUT;
    }

    /** Byte offset of {@code owner_uid}. */
    public static long owner_uid$offset() {
        return owner_uid$OFFSET;
    }

    /** Reads {@code owner_uid}. */
    public static int owner_uid(MemorySegment struct) {
        return struct.get(owner_uid$LAYOUT, owner_uid$OFFSET);
    }

    /** Writes {@code owner_uid}. */
    public static void owner_uid(MemorySegment struct, int value) {
        struct.set(owner_uid$LAYOUT, owner_uid$OFFSET, value);
    }

    private static final ValueLayout.OfInt owner_gid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("owner_gid"));
    private static final long owner_gid$OFFSET = $LAYOUT.byteOffset(groupElement("owner_gid"));

    /** Layout of {@code owner_gid} (u32). */
    public static ValueLayout.OfInt owner_gid$layout() {
        return owner_gid$LAYOUT;
    }

    /** Byte offset of {@code owner_gid}. */
    public static long owner_gid$offset() {
        return owner_gid$OFFSET;
    }

    /** Reads {@code owner_gid}. */
    public static int owner_gid(MemorySegment struct) {
        return struct.get(owner_gid$LAYOUT, owner_gid$OFFSET);
    }

    /** Writes {@code owner_gid}. */
    public static void owner_gid(MemorySegment struct, int value) {
        struct.set(owner_gid$LAYOUT, owner_gid$OFFSET, value);
    }

    private static final ValueLayout.OfLong reserved1$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("reserved1"));
    private static final long reserved1$OFFSET = $LAYOUT.byteOffset(groupElement("reserved1"));

    /** Layout of {@code reserved1} (u64). */
    public static ValueLayout.OfLong reserved1$layout() {
        return reserved1$LAYOUT;
    }

    /** Byte offset of {@code reserved1}. */
    public static long reserved1$offset() {
        return reserved1$OFFSET;
    }

    /** Reads {@code reserved1}. */
    public static long reserved1(MemorySegment struct) {
        return struct.get(reserved1$LAYOUT, reserved1$OFFSET);
    }

    /** Writes {@code reserved1}. */
    public static void reserved1(MemorySegment struct, long value) {
        struct.set(reserved1$LAYOUT, reserved1$OFFSET, value);
    }

    private static final ValueLayout.OfLong reserved2$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("reserved2"));
    private static final long reserved2$OFFSET = $LAYOUT.byteOffset(groupElement("reserved2"));

    /** Layout of {@code reserved2} (u64). */
    public static ValueLayout.OfLong reserved2$layout() {
        return reserved2$LAYOUT;
    }

    /** Byte offset of {@code reserved2}. */
    public static long reserved2$offset() {
        return reserved2$OFFSET;
    }

    /** Reads {@code reserved2}. */
    public static long reserved2(MemorySegment struct) {
        return struct.get(reserved2$LAYOUT, reserved2$OFFSET);
    }

    /** Writes {@code reserved2}. */
    public static void reserved2(MemorySegment struct, long value) {
        struct.set(reserved2$LAYOUT, reserved2$OFFSET, value);
    }

}
