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
 * {@code struct io_uring_buf_reg} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a> ({@code IORING_REGISTER_PBUF_RING}): registers a
 * provided-buffer ring. The 24 bytes after {@code flags} are reserved (Linux 6.12: {@code resv[3]}; later a
 * {@code min_left} and {@code resv[5]}) and stay zero.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_buf_reg {

    private io_uring_buf_reg() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("ring_addr"),
        libc_h.C_INT.withName("ring_entries"),
        libc_h.C_SHORT.withName("bgid"),
        libc_h.C_SHORT.withName("flags"),
        MemoryLayout.paddingLayout(24)
    ).withName("io_uring_buf_reg");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_buf_reg)}. */
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

    private static final ValueLayout.OfLong ring_addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ring_addr"));
    private static final long ring_addr$OFFSET = $LAYOUT.byteOffset(groupElement("ring_addr"));

    /** Layout of {@code ring_addr} (u64). */
    public static ValueLayout.OfLong ring_addr$layout() {
        return ring_addr$LAYOUT;
    }

    /** Byte offset of {@code ring_addr}. */
    public static long ring_addr$offset() {
        return ring_addr$OFFSET;
    }

    /** Reads {@code ring_addr}. */
    public static long ring_addr(MemorySegment struct) {
        return struct.get(ring_addr$LAYOUT, ring_addr$OFFSET);
    }

    /** Writes {@code ring_addr}. */
    public static void ring_addr(MemorySegment struct, long value) {
        struct.set(ring_addr$LAYOUT, ring_addr$OFFSET, value);
    }

    private static final ValueLayout.OfInt ring_entries$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ring_entries"));
    private static final long ring_entries$OFFSET = $LAYOUT.byteOffset(groupElement("ring_entries"));

    /** Layout of {@code ring_entries} (u32). */
    public static ValueLayout.OfInt ring_entries$layout() {
        return ring_entries$LAYOUT;
    }

    /** Byte offset of {@code ring_entries}. */
    public static long ring_entries$offset() {
        return ring_entries$OFFSET;
    }

    /** Reads {@code ring_entries}. */
    public static int ring_entries(MemorySegment struct) {
        return struct.get(ring_entries$LAYOUT, ring_entries$OFFSET);
    }

    /** Writes {@code ring_entries}. */
    public static void ring_entries(MemorySegment struct, int value) {
        struct.set(ring_entries$LAYOUT, ring_entries$OFFSET, value);
    }

    private static final ValueLayout.OfShort bgid$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("bgid"));
    private static final long bgid$OFFSET = $LAYOUT.byteOffset(groupElement("bgid"));

    /** Layout of {@code bgid} (u16). */
    public static ValueLayout.OfShort bgid$layout() {
        return bgid$LAYOUT;
    }

    /** Byte offset of {@code bgid}. */
    public static long bgid$offset() {
        return bgid$OFFSET;
    }

    /** Reads {@code bgid}. */
    public static short bgid(MemorySegment struct) {
        return struct.get(bgid$LAYOUT, bgid$OFFSET);
    }

    /** Writes {@code bgid}. */
    public static void bgid(MemorySegment struct, short value) {
        struct.set(bgid$LAYOUT, bgid$OFFSET, value);
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

}
