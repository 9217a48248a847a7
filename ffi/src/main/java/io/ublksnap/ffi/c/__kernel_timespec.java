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
 * {@code struct __kernel_timespec} from {@code <linux/time_types.h>}: the 64-bit timespec that
 * {@code IORING_OP_TIMEOUT} and {@code IORING_OP_LINK_TIMEOUT} point at through {@code sqe->addr}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class __kernel_timespec {

    private __kernel_timespec() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("tv_sec"),
        libc_h.C_LONG_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct __kernel_timespec)}. */
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

    private static final ValueLayout.OfLong tv_sec$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("tv_sec"));
    private static final long tv_sec$OFFSET = $LAYOUT.byteOffset(groupElement("tv_sec"));

    /** Layout of {@code tv_sec} (s64). */
    public static ValueLayout.OfLong tv_sec$layout() {
        return tv_sec$LAYOUT;
    }

    /** Byte offset of {@code tv_sec}. */
    public static long tv_sec$offset() {
        return tv_sec$OFFSET;
    }

    /** Reads {@code tv_sec}. */
    public static long tv_sec(MemorySegment struct) {
        return struct.get(tv_sec$LAYOUT, tv_sec$OFFSET);
    }

    /** Writes {@code tv_sec}. */
    public static void tv_sec(MemorySegment struct, long value) {
        struct.set(tv_sec$LAYOUT, tv_sec$OFFSET, value);
    }

    private static final ValueLayout.OfLong tv_nsec$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("tv_nsec"));
    private static final long tv_nsec$OFFSET = $LAYOUT.byteOffset(groupElement("tv_nsec"));

    /** Layout of {@code tv_nsec} (s64). */
    public static ValueLayout.OfLong tv_nsec$layout() {
        return tv_nsec$LAYOUT;
    }

    /** Byte offset of {@code tv_nsec}. */
    public static long tv_nsec$offset() {
        return tv_nsec$OFFSET;
    }

    /** Reads {@code tv_nsec}. */
    public static long tv_nsec(MemorySegment struct) {
        return struct.get(tv_nsec$LAYOUT, tv_nsec$OFFSET);
    }

    /** Writes {@code tv_nsec}. */
    public static void tv_nsec(MemorySegment struct, long value) {
        struct.set(tv_nsec$LAYOUT, tv_nsec$OFFSET, value);
    }

}
