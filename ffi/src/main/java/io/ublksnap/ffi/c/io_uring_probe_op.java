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
 * {@code struct io_uring_probe_op} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: support flags of one opcode.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_probe_op {

    private io_uring_probe_op() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_CHAR.withName("op"),
        libc_h.C_CHAR.withName("resv"),
        libc_h.C_SHORT.withName("flags"),
        libc_h.C_INT.withName("resv2")
    ).withName("io_uring_probe_op");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_probe_op)}. */
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

    private static final ValueLayout.OfByte op$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("op"));
    private static final long op$OFFSET = $LAYOUT.byteOffset(groupElement("op"));

    /** Layout of {@code op} (u8). */
    public static ValueLayout.OfByte op$layout() {
        return op$LAYOUT;
    }

    /** Byte offset of {@code op}. */
    public static long op$offset() {
        return op$OFFSET;
    }

    /** Reads {@code op}. */
    public static byte op(MemorySegment struct) {
        return struct.get(op$LAYOUT, op$OFFSET);
    }

    /** Writes {@code op}. */
    public static void op(MemorySegment struct, byte value) {
        struct.set(op$LAYOUT, op$OFFSET, value);
    }

    private static final ValueLayout.OfByte resv$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("resv"));
    private static final long resv$OFFSET = $LAYOUT.byteOffset(groupElement("resv"));

    /** Layout of {@code resv} (u8). */
    public static ValueLayout.OfByte resv$layout() {
        return resv$LAYOUT;
    }

    /** Byte offset of {@code resv}. */
    public static long resv$offset() {
        return resv$OFFSET;
    }

    /** Reads {@code resv}. */
    public static byte resv(MemorySegment struct) {
        return struct.get(resv$LAYOUT, resv$OFFSET);
    }

    /** Writes {@code resv}. */
    public static void resv(MemorySegment struct, byte value) {
        struct.set(resv$LAYOUT, resv$OFFSET, value);
    }

    private static final ValueLayout.OfShort flags$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u16). */
    public static ValueLayout.OfShort flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static short flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, short value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt resv2$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("resv2"));
    private static final long resv2$OFFSET = $LAYOUT.byteOffset(groupElement("resv2"));

    /** Layout of {@code resv2} (u32). */
    public static ValueLayout.OfInt resv2$layout() {
        return resv2$LAYOUT;
    }

    /** Byte offset of {@code resv2}. */
    public static long resv2$offset() {
        return resv2$OFFSET;
    }

    /** Reads {@code resv2}. */
    public static int resv2(MemorySegment struct) {
        return struct.get(resv2$LAYOUT, resv2$OFFSET);
    }

    /** Writes {@code resv2}. */
    public static void resv2(MemorySegment struct, int value) {
        struct.set(resv2$LAYOUT, resv2$OFFSET, value);
    }

}
