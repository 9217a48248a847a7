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
 * liburing's {@code struct io_uring} from <a href="https://github.com/axboe/liburing/blob/liburing-2.3/src/include/liburing.h">liburing.h</a> (liburing 2.3): the ring handle that every liburing call takes.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring {

    private io_uring() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        io_uring_sq.layout().withName("sq"),
        io_uring_cq.layout().withName("cq"),
        libc_h.C_INT.withName("flags"),
        libc_h.C_INT.withName("ring_fd"),
        libc_h.C_INT.withName("features"),
        libc_h.C_INT.withName("enter_ring_fd"),
        libc_h.C_CHAR.withName("int_flags"),
        MemoryLayout.sequenceLayout(3, libc_h.C_CHAR).withName("pad"),
        libc_h.C_INT.withName("pad2")
    ).withName("io_uring");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring)}. */
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

    private static final GroupLayout sq$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("sq"));
    private static final long sq$OFFSET = $LAYOUT.byteOffset(groupElement("sq"));

    /** Layout of {@code sq} ({@link io_uring_sq}). */
    public static GroupLayout sq$layout() {
        return sq$LAYOUT;
    }

    /** Byte offset of {@code sq}. */
    public static long sq$offset() {
        return sq$OFFSET;
    }

    /** The nested struct {@code sq} as a slice of {@code struct} (writes go through). */
    public static MemorySegment sq(MemorySegment struct) {
        return struct.asSlice(sq$OFFSET, sq$LAYOUT);
    }

    /** Copies {@code value} into {@code sq}. */
    public static void sq(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, sq$OFFSET, sq$LAYOUT.byteSize());
    }

    private static final GroupLayout cq$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("cq"));
    private static final long cq$OFFSET = $LAYOUT.byteOffset(groupElement("cq"));

    /** Layout of {@code cq} ({@link io_uring_cq}). */
    public static GroupLayout cq$layout() {
        return cq$LAYOUT;
    }

    /** Byte offset of {@code cq}. */
    public static long cq$offset() {
        return cq$OFFSET;
    }

    /** The nested struct {@code cq} as a slice of {@code struct} (writes go through). */
    public static MemorySegment cq(MemorySegment struct) {
        return struct.asSlice(cq$OFFSET, cq$LAYOUT);
    }

    /** Copies {@code value} into {@code cq}. */
    public static void cq(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, cq$OFFSET, cq$LAYOUT.byteSize());
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

    private static final ValueLayout.OfInt ring_fd$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ring_fd"));
    private static final long ring_fd$OFFSET = $LAYOUT.byteOffset(groupElement("ring_fd"));

    /** Layout of {@code ring_fd} (s32). */
    public static ValueLayout.OfInt ring_fd$layout() {
        return ring_fd$LAYOUT;
    }

    /** Byte offset of {@code ring_fd}. */
    public static long ring_fd$offset() {
        return ring_fd$OFFSET;
    }

    /** Reads {@code ring_fd}. */
    public static int ring_fd(MemorySegment struct) {
        return struct.get(ring_fd$LAYOUT, ring_fd$OFFSET);
    }

    /** Writes {@code ring_fd}. */
    public static void ring_fd(MemorySegment struct, int value) {
        struct.set(ring_fd$LAYOUT, ring_fd$OFFSET, value);
    }

    private static final ValueLayout.OfInt features$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("features"));
    private static final long features$OFFSET = $LAYOUT.byteOffset(groupElement("features"));

    /** Layout of {@code features} (u32). */
    public static ValueLayout.OfInt features$layout() {
        return features$LAYOUT;
    }

    /** Byte offset of {@code features}. */
    public static long features$offset() {
        return features$OFFSET;
    }

    /** Reads {@code features}. */
    public static int features(MemorySegment struct) {
        return struct.get(features$LAYOUT, features$OFFSET);
    }

    /** Writes {@code features}. */
    public static void features(MemorySegment struct, int value) {
        struct.set(features$LAYOUT, features$OFFSET, value);
    }

    private static final ValueLayout.OfInt enter_ring_fd$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("enter_ring_fd"));
    private static final long enter_ring_fd$OFFSET = $LAYOUT.byteOffset(groupElement("enter_ring_fd"));

    /** Layout of {@code enter_ring_fd} (s32). */
    public static ValueLayout.OfInt enter_ring_fd$layout() {
        return enter_ring_fd$LAYOUT;
    }

    /** Byte offset of {@code enter_ring_fd}. */
    public static long enter_ring_fd$offset() {
        return enter_ring_fd$OFFSET;
    }

    /** Reads {@code enter_ring_fd}. */
    public static int enter_ring_fd(MemorySegment struct) {
        return struct.get(enter_ring_fd$LAYOUT, enter_ring_fd$OFFSET);
    }

    /** Writes {@code enter_ring_fd}. */
    public static void enter_ring_fd(MemorySegment struct, int value) {
        struct.set(enter_ring_fd$LAYOUT, enter_ring_fd$OFFSET, value);
    }

    private static final ValueLayout.OfByte int_flags$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("int_flags"));
    private static final long int_flags$OFFSET = $LAYOUT.byteOffset(groupElement("int_flags"));

    /** Layout of {@code int_flags} (u8). */
    public static ValueLayout.OfByte int_flags$layout() {
        return int_flags$LAYOUT;
    }

    /** Byte offset of {@code int_flags}. */
    public static long int_flags$offset() {
        return int_flags$OFFSET;
    }

    /** Reads {@code int_flags}. */
    public static byte int_flags(MemorySegment struct) {
        return struct.get(int_flags$LAYOUT, int_flags$OFFSET);
    }

    /** Writes {@code int_flags}. */
    public static void int_flags(MemorySegment struct, byte value) {
        struct.set(int_flags$LAYOUT, int_flags$OFFSET, value);
    }

    private static final SequenceLayout pad$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("pad"));
    private static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));

    /** Layout of {@code pad[3]}. */
    public static SequenceLayout pad$layout() {
        return pad$LAYOUT;
    }

    /** Byte offset of {@code pad}. */
    public static long pad$offset() {
        return pad$OFFSET;
    }

    /** The array {@code pad} as a slice of {@code struct}. */
    public static MemorySegment pad(MemorySegment struct) {
        return struct.asSlice(pad$OFFSET, pad$LAYOUT);
    }

    /** Reads {@code pad[index]}. */
    public static byte pad(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfByte) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 1);
    }

    /** Writes {@code pad[index]}. */
    public static void pad(MemorySegment struct, long index, byte value) {
        struct.set((ValueLayout.OfByte) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 1, value);
    }

    private static final ValueLayout.OfInt pad2$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("pad2"));
    private static final long pad2$OFFSET = $LAYOUT.byteOffset(groupElement("pad2"));

    /** Layout of {@code pad2} (u32). */
    public static ValueLayout.OfInt pad2$layout() {
        return pad2$LAYOUT;
    }

    /** Byte offset of {@code pad2}. */
    public static long pad2$offset() {
        return pad2$OFFSET;
    }

    /** Reads {@code pad2}. */
    public static int pad2(MemorySegment struct) {
        return struct.get(pad2$LAYOUT, pad2$OFFSET);
    }

    /** Writes {@code pad2}. */
    public static void pad2(MemorySegment struct, int value) {
        struct.set(pad2$LAYOUT, pad2$OFFSET, value);
    }

}
