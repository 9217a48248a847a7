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
 * {@code struct ublksrv_ctrl_cmd} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: the 32-byte control command carried in the
 * {@code cmd} area (SQE byte 48) of an SQE128 {@code IORING_OP_URING_CMD} on {@code /dev/ublk-control}.
 * Kernels before 6.3 had {@code __u64 data[2]} in place of {@code data[1]}, {@code dev_path_len}, {@code pad} and
 * {@code reserved}; the offsets of the common fields are the same.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublksrv_ctrl_cmd {

    private ublksrv_ctrl_cmd() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("dev_id"),
        libc_h.C_SHORT.withName("queue_id"),
        libc_h.C_SHORT.withName("len"),
        libc_h.C_LONG_LONG.withName("addr"),
        MemoryLayout.sequenceLayout(1, libc_h.C_LONG_LONG).withName("data"),
        libc_h.C_SHORT.withName("dev_path_len"),
        libc_h.C_SHORT.withName("pad"),
        libc_h.C_INT.withName("reserved")
    ).withName("ublksrv_ctrl_cmd");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublksrv_ctrl_cmd)}. */
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

    private static final ValueLayout.OfShort queue_id$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("queue_id"));
    private static final long queue_id$OFFSET = $LAYOUT.byteOffset(groupElement("queue_id"));

    /** Layout of {@code queue_id} (u16). */
    public static ValueLayout.OfShort queue_id$layout() {
        return queue_id$LAYOUT;
    }

    /** Byte offset of {@code queue_id}. */
    public static long queue_id$offset() {
        return queue_id$OFFSET;
    }

    /** Reads {@code queue_id}. */
    public static short queue_id(MemorySegment struct) {
        return struct.get(queue_id$LAYOUT, queue_id$OFFSET);
    }

    /** Writes {@code queue_id}. */
    public static void queue_id(MemorySegment struct, short value) {
        struct.set(queue_id$LAYOUT, queue_id$OFFSET, value);
    }

    private static final ValueLayout.OfShort len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("len"));
    private static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));

    /** Layout of {@code len} (u16). */
    public static ValueLayout.OfShort len$layout() {
        return len$LAYOUT;
    }

    /** Byte offset of {@code len}. */
    public static long len$offset() {
        return len$OFFSET;
    }

    /** Reads {@code len}. */
    public static short len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    /** Writes {@code len}. */
    public static void len(MemorySegment struct, short value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("addr"));
    private static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement("addr"));

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

    private static final SequenceLayout data$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("data"));
    private static final long data$OFFSET = $LAYOUT.byteOffset(groupElement("data"));

    /** Layout of {@code data[1]}. */
    public static SequenceLayout data$layout() {
        return data$LAYOUT;
    }

    /** Byte offset of {@code data}. */
    public static long data$offset() {
        return data$OFFSET;
    }

    /** The array {@code data} as a slice of {@code struct}. */
    public static MemorySegment data(MemorySegment struct) {
        return struct.asSlice(data$OFFSET, data$LAYOUT);
    }

    /** Reads {@code data[index]}. */
    public static long data(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfLong) data$LAYOUT.elementLayout(), data$OFFSET + index * 8);
    }

    /** Writes {@code data[index]}. */
    public static void data(MemorySegment struct, long index, long value) {
        struct.set((ValueLayout.OfLong) data$LAYOUT.elementLayout(), data$OFFSET + index * 8, value);
    }

    private static final ValueLayout.OfShort dev_path_len$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("dev_path_len"));
    private static final long dev_path_len$OFFSET = $LAYOUT.byteOffset(groupElement("dev_path_len"));

    /** Layout of {@code dev_path_len} (u16). */
    public static ValueLayout.OfShort dev_path_len$layout() {
        return dev_path_len$LAYOUT;
    }

    /** Byte offset of {@code dev_path_len}. */
    public static long dev_path_len$offset() {
        return dev_path_len$OFFSET;
    }

    /** Reads {@code dev_path_len}. */
    public static short dev_path_len(MemorySegment struct) {
        return struct.get(dev_path_len$LAYOUT, dev_path_len$OFFSET);
    }

    /** Writes {@code dev_path_len}. */
    public static void dev_path_len(MemorySegment struct, short value) {
        struct.set(dev_path_len$LAYOUT, dev_path_len$OFFSET, value);
    }

    private static final ValueLayout.OfShort pad$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("pad"));
    private static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));

    /** Layout of {@code pad} (u16). */
    public static ValueLayout.OfShort pad$layout() {
        return pad$LAYOUT;
    }

    /** Byte offset of {@code pad}. */
    public static long pad$offset() {
        return pad$OFFSET;
    }

    /** Reads {@code pad}. */
    public static short pad(MemorySegment struct) {
        return struct.get(pad$LAYOUT, pad$OFFSET);
    }

    /** Writes {@code pad}. */
    public static void pad(MemorySegment struct, short value) {
        struct.set(pad$LAYOUT, pad$OFFSET, value);
    }

    private static final ValueLayout.OfInt reserved$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("reserved"));
    private static final long reserved$OFFSET = $LAYOUT.byteOffset(groupElement("reserved"));

    /** Layout of {@code reserved} (u32). */
    public static ValueLayout.OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    /** Byte offset of {@code reserved}. */
    public static long reserved$offset() {
        return reserved$OFFSET;
    }

    /** Reads {@code reserved}. */
    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    /** Writes {@code reserved}. */
    public static void reserved(MemorySegment struct, int value) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, value);
    }

}
