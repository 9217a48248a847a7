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
 * {@code struct io_uring_probe} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: result of {@code IORING_REGISTER_PROBE}, followed by
 * {@code ops_len} {@link io_uring_probe_op} entries.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_probe {

    private io_uring_probe() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_CHAR.withName("last_op"),
        libc_h.C_CHAR.withName("ops_len"),
        libc_h.C_SHORT.withName("resv"),
        MemoryLayout.sequenceLayout(3, libc_h.C_INT).withName("resv2"),
        MemoryLayout.sequenceLayout(0, io_uring_probe_op.layout()).withName("ops")
    ).withName("io_uring_probe");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_probe)}. */
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

    private static final ValueLayout.OfByte last_op$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("last_op"));
    private static final long last_op$OFFSET = $LAYOUT.byteOffset(groupElement("last_op"));

    /** Layout of {@code last_op} (u8). */
    public static ValueLayout.OfByte last_op$layout() {
        return last_op$LAYOUT;
    }

    /** Byte offset of {@code last_op}. */
    public static long last_op$offset() {
        return last_op$OFFSET;
    }

    /** Reads {@code last_op}. */
    public static byte last_op(MemorySegment struct) {
        return struct.get(last_op$LAYOUT, last_op$OFFSET);
    }

    /** Writes {@code last_op}. */
    public static void last_op(MemorySegment struct, byte value) {
        struct.set(last_op$LAYOUT, last_op$OFFSET, value);
    }

    private static final ValueLayout.OfByte ops_len$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("ops_len"));
    private static final long ops_len$OFFSET = $LAYOUT.byteOffset(groupElement("ops_len"));

    /** Layout of {@code ops_len} (u8). */
    public static ValueLayout.OfByte ops_len$layout() {
        return ops_len$LAYOUT;
    }

    /** Byte offset of {@code ops_len}. */
    public static long ops_len$offset() {
        return ops_len$OFFSET;
    }

    /** Reads {@code ops_len}. */
    public static byte ops_len(MemorySegment struct) {
        return struct.get(ops_len$LAYOUT, ops_len$OFFSET);
    }

    /** Writes {@code ops_len}. */
    public static void ops_len(MemorySegment struct, byte value) {
        struct.set(ops_len$LAYOUT, ops_len$OFFSET, value);
    }

    private static final ValueLayout.OfShort resv$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("resv"));
    private static final long resv$OFFSET = $LAYOUT.byteOffset(groupElement("resv"));

    /** Layout of {@code resv} (u16). */
    public static ValueLayout.OfShort resv$layout() {
        return resv$LAYOUT;
    }

    /** Byte offset of {@code resv}. */
    public static long resv$offset() {
        return resv$OFFSET;
    }

    /** Reads {@code resv}. */
    public static short resv(MemorySegment struct) {
        return struct.get(resv$LAYOUT, resv$OFFSET);
    }

    /** Writes {@code resv}. */
    public static void resv(MemorySegment struct, short value) {
        struct.set(resv$LAYOUT, resv$OFFSET, value);
    }

    private static final SequenceLayout resv2$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("resv2"));
    private static final long resv2$OFFSET = $LAYOUT.byteOffset(groupElement("resv2"));

    /** Layout of {@code resv2[3]}. */
    public static SequenceLayout resv2$layout() {
        return resv2$LAYOUT;
    }

    /** Byte offset of {@code resv2}. */
    public static long resv2$offset() {
        return resv2$OFFSET;
    }

    /** The array {@code resv2} as a slice of {@code struct}. */
    public static MemorySegment resv2(MemorySegment struct) {
        return struct.asSlice(resv2$OFFSET, resv2$LAYOUT);
    }

    /** Reads {@code resv2[index]}. */
    public static int resv2(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfInt) resv2$LAYOUT.elementLayout(), resv2$OFFSET + index * 4);
    }

    /** Writes {@code resv2[index]}. */
    public static void resv2(MemorySegment struct, long index, int value) {
        struct.set((ValueLayout.OfInt) resv2$LAYOUT.elementLayout(), resv2$OFFSET + index * 4, value);
    }

    private static final SequenceLayout ops$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("ops"));
    private static final long ops$OFFSET = $LAYOUT.byteOffset(groupElement("ops"));

    /** Layout of {@code ops[]} ({@link io_uring_probe_op} elements). */
    public static SequenceLayout ops$layout() {
        return ops$LAYOUT;
    }

    /** Byte offset of {@code ops}. */
    public static long ops$offset() {
        return ops$OFFSET;
    }

    /** Element {@code index} of {@code ops}; the segment must be large enough (flexible array). */
    public static MemorySegment ops(MemorySegment struct, long index) {
        return struct.asSlice(ops$OFFSET + index * io_uring_probe_op.sizeof(), io_uring_probe_op.layout());
    }

}
