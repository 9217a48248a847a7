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
 * {@code struct io_uring_buf} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: one entry of a provided-buffer ring; the ring's
 * tail (u16) overlays {@code resv} of entry 0.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_buf {

    private io_uring_buf() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("addr"),
        libc_h.C_INT.withName("len"),
        libc_h.C_SHORT.withName("bid"),
        libc_h.C_SHORT.withName("resv")
    ).withName("io_uring_buf");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_buf)}. */
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

    private static final ValueLayout.OfShort bid$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("bid"));
    private static final long bid$OFFSET = $LAYOUT.byteOffset(groupElement("bid"));

    /** Layout of {@code bid} (u16). */
    public static ValueLayout.OfShort bid$layout() {
        return bid$LAYOUT;
    }

    /** Byte offset of {@code bid}. */
    public static long bid$offset() {
        return bid$OFFSET;
    }

    /** Reads {@code bid}. */
    public static short bid(MemorySegment struct) {
        return struct.get(bid$LAYOUT, bid$OFFSET);
    }

    /** Writes {@code bid}. */
    public static void bid(MemorySegment struct, short value) {
        struct.set(bid$LAYOUT, bid$OFFSET, value);
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

}
