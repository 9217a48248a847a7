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
 * {@code struct io_uring_cqe}, the completion queue entry, from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>. With
 * {@code IORING_SETUP_CQE32} each entry is followed by 16 more bytes ({@code big_cqe}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_cqe {

    private io_uring_cqe() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("user_data"),
        libc_h.C_INT.withName("res"),
        libc_h.C_INT.withName("flags"),
        MemoryLayout.sequenceLayout(0, libc_h.C_LONG_LONG).withName("big_cqe")
    ).withName("io_uring_cqe");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_cqe)}. */
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

    private static final ValueLayout.OfInt res$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("res"));
    private static final long res$OFFSET = $LAYOUT.byteOffset(groupElement("res"));

    /** Layout of {@code res} (s32). */
    public static ValueLayout.OfInt res$layout() {
        return res$LAYOUT;
    }

    /** Byte offset of {@code res}. */
    public static long res$offset() {
        return res$OFFSET;
    }

    /** Reads {@code res}. */
    public static int res(MemorySegment struct) {
        return struct.get(res$LAYOUT, res$OFFSET);
    }

    /** Writes {@code res}. */
    public static void res(MemorySegment struct, int value) {
        struct.set(res$LAYOUT, res$OFFSET, value);
    }

    private static final ValueLayout.OfInt flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u32). */
    public static ValueLayout.OfInt flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static int flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, int value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final SequenceLayout big_cqe$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("big_cqe"));
    private static final long big_cqe$OFFSET = $LAYOUT.byteOffset(groupElement("big_cqe"));

    /** Layout of {@code big_cqe[0]}. */
    public static SequenceLayout big_cqe$layout() {
        return big_cqe$LAYOUT;
    }

    /** Byte offset of {@code big_cqe}. */
    public static long big_cqe$offset() {
        return big_cqe$OFFSET;
    }

    /** The array {@code big_cqe} as a slice of {@code struct}. */
    public static MemorySegment big_cqe(MemorySegment struct) {
        return struct.asSlice(big_cqe$OFFSET, big_cqe$LAYOUT);
    }

    /** Reads {@code big_cqe[index]}. */
    public static long big_cqe(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfLong) big_cqe$LAYOUT.elementLayout(), big_cqe$OFFSET + index * 8);
    }

    /** Writes {@code big_cqe[index]}. */
    public static void big_cqe(MemorySegment struct, long index, long value) {
        struct.set((ValueLayout.OfLong) big_cqe$LAYOUT.elementLayout(), big_cqe$OFFSET + index * 8, value);
    }

}
