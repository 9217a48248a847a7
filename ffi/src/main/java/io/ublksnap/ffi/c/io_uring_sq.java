package io.ublksnap.ffi.c;

import java.lang.foreign.AddressLayout;
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
 * liburing's {@code struct io_uring_sq} from <a href="https://github.com/axboe/liburing/blob/liburing-2.3/src/include/liburing.h">liburing.h</a> (liburing 2.3): pointers into the mapped SQ ring plus
 * liburing's own {@code sqe_head}/{@code sqe_tail}. {@code IoUring} reads the pointers once and advances
 * {@code sqe_tail} so that {@code io_uring_submit} publishes the entries prepared from Java.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_sq {

    private io_uring_sq() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_POINTER.withName("khead"),
        libc_h.C_POINTER.withName("ktail"),
        libc_h.C_POINTER.withName("kring_mask"),
        libc_h.C_POINTER.withName("kring_entries"),
        libc_h.C_POINTER.withName("kflags"),
        libc_h.C_POINTER.withName("kdropped"),
        libc_h.C_POINTER.withName("array"),
        libc_h.C_POINTER.withName("sqes"),
        libc_h.C_INT.withName("sqe_head"),
        libc_h.C_INT.withName("sqe_tail"),
        libc_h.C_LONG.withName("ring_sz"),
        libc_h.C_POINTER.withName("ring_ptr"),
        libc_h.C_INT.withName("ring_mask"),
        libc_h.C_INT.withName("ring_entries"),
        MemoryLayout.sequenceLayout(2, libc_h.C_INT).withName("pad")
    ).withName("io_uring_sq");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_sq)}. */
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

    private static final AddressLayout khead$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("khead"));
    private static final long khead$OFFSET = $LAYOUT.byteOffset(groupElement("khead"));

    /** Layout of {@code khead} (ptr). */
    public static AddressLayout khead$layout() {
        return khead$LAYOUT;
    }

    /** Byte offset of {@code khead}. */
    public static long khead$offset() {
        return khead$OFFSET;
    }

    /** Reads {@code khead}. */
    public static MemorySegment khead(MemorySegment struct) {
        return struct.get(khead$LAYOUT, khead$OFFSET);
    }

    /** Writes {@code khead}. */
    public static void khead(MemorySegment struct, MemorySegment value) {
        struct.set(khead$LAYOUT, khead$OFFSET, value);
    }

    private static final AddressLayout ktail$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("ktail"));
    private static final long ktail$OFFSET = $LAYOUT.byteOffset(groupElement("ktail"));

    /** Layout of {@code ktail} (ptr). */
    public static AddressLayout ktail$layout() {
        return ktail$LAYOUT;
    }

    /** Byte offset of {@code ktail}. */
    public static long ktail$offset() {
        return ktail$OFFSET;
    }

    /** Reads {@code ktail}. */
    public static MemorySegment ktail(MemorySegment struct) {
        return struct.get(ktail$LAYOUT, ktail$OFFSET);
    }

    /** Writes {@code ktail}. */
    public static void ktail(MemorySegment struct, MemorySegment value) {
        struct.set(ktail$LAYOUT, ktail$OFFSET, value);
    }

    private static final AddressLayout kring_mask$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("kring_mask"));
    private static final long kring_mask$OFFSET = $LAYOUT.byteOffset(groupElement("kring_mask"));

    /** Layout of {@code kring_mask} (ptr). */
    public static AddressLayout kring_mask$layout() {
        return kring_mask$LAYOUT;
    }

    /** Byte offset of {@code kring_mask}. */
    public static long kring_mask$offset() {
        return kring_mask$OFFSET;
    }

    /** Reads {@code kring_mask}. */
    public static MemorySegment kring_mask(MemorySegment struct) {
        return struct.get(kring_mask$LAYOUT, kring_mask$OFFSET);
    }

    /** Writes {@code kring_mask}. */
    public static void kring_mask(MemorySegment struct, MemorySegment value) {
        struct.set(kring_mask$LAYOUT, kring_mask$OFFSET, value);
    }

    private static final AddressLayout kring_entries$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("kring_entries"));
    private static final long kring_entries$OFFSET = $LAYOUT.byteOffset(groupElement("kring_entries"));

    /** Layout of {@code kring_entries} (ptr). */
    public static AddressLayout kring_entries$layout() {
        return kring_entries$LAYOUT;
    }

    /** Byte offset of {@code kring_entries}. */
    public static long kring_entries$offset() {
        return kring_entries$OFFSET;
    }

    /** Reads {@code kring_entries}. */
    public static MemorySegment kring_entries(MemorySegment struct) {
        return struct.get(kring_entries$LAYOUT, kring_entries$OFFSET);
    }

    /** Writes {@code kring_entries}. */
    public static void kring_entries(MemorySegment struct, MemorySegment value) {
        struct.set(kring_entries$LAYOUT, kring_entries$OFFSET, value);
    }

    private static final AddressLayout kflags$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("kflags"));
    private static final long kflags$OFFSET = $LAYOUT.byteOffset(groupElement("kflags"));

    /** Layout of {@code kflags} (ptr). */
    public static AddressLayout kflags$layout() {
        return kflags$LAYOUT;
    }

    /** Byte offset of {@code kflags}. */
    public static long kflags$offset() {
        return kflags$OFFSET;
    }

    /** Reads {@code kflags}. */
    public static MemorySegment kflags(MemorySegment struct) {
        return struct.get(kflags$LAYOUT, kflags$OFFSET);
    }

    /** Writes {@code kflags}. */
    public static void kflags(MemorySegment struct, MemorySegment value) {
        struct.set(kflags$LAYOUT, kflags$OFFSET, value);
    }

    private static final AddressLayout kdropped$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("kdropped"));
    private static final long kdropped$OFFSET = $LAYOUT.byteOffset(groupElement("kdropped"));

    /** Layout of {@code kdropped} (ptr). */
    public static AddressLayout kdropped$layout() {
        return kdropped$LAYOUT;
    }

    /** Byte offset of {@code kdropped}. */
    public static long kdropped$offset() {
        return kdropped$OFFSET;
    }

    /** Reads {@code kdropped}. */
    public static MemorySegment kdropped(MemorySegment struct) {
        return struct.get(kdropped$LAYOUT, kdropped$OFFSET);
    }

    /** Writes {@code kdropped}. */
    public static void kdropped(MemorySegment struct, MemorySegment value) {
        struct.set(kdropped$LAYOUT, kdropped$OFFSET, value);
    }

    private static final AddressLayout array$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("array"));
    private static final long array$OFFSET = $LAYOUT.byteOffset(groupElement("array"));

    /** Layout of {@code array} (ptr). */
    public static AddressLayout array$layout() {
        return array$LAYOUT;
    }

    /** Byte offset of {@code array}. */
    public static long array$offset() {
        return array$OFFSET;
    }

    /** Reads {@code array}. */
    public static MemorySegment array(MemorySegment struct) {
        return struct.get(array$LAYOUT, array$OFFSET);
    }

    /** Writes {@code array}. */
    public static void array(MemorySegment struct, MemorySegment value) {
        struct.set(array$LAYOUT, array$OFFSET, value);
    }

    private static final AddressLayout sqes$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("sqes"));
    private static final long sqes$OFFSET = $LAYOUT.byteOffset(groupElement("sqes"));

    /** Layout of {@code sqes} (ptr). */
    public static AddressLayout sqes$layout() {
        return sqes$LAYOUT;
    }

    /** Byte offset of {@code sqes}. */
    public static long sqes$offset() {
        return sqes$OFFSET;
    }

    /** Reads {@code sqes}. */
    public static MemorySegment sqes(MemorySegment struct) {
        return struct.get(sqes$LAYOUT, sqes$OFFSET);
    }

    /** Writes {@code sqes}. */
    public static void sqes(MemorySegment struct, MemorySegment value) {
        struct.set(sqes$LAYOUT, sqes$OFFSET, value);
    }

    private static final ValueLayout.OfInt sqe_head$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sqe_head"));
    private static final long sqe_head$OFFSET = $LAYOUT.byteOffset(groupElement("sqe_head"));

    /** Layout of {@code sqe_head} (u32). */
    public static ValueLayout.OfInt sqe_head$layout() {
        return sqe_head$LAYOUT;
    }

    /** Byte offset of {@code sqe_head}. */
    public static long sqe_head$offset() {
        return sqe_head$OFFSET;
    }

    /** Reads {@code sqe_head}. */
    public static int sqe_head(MemorySegment struct) {
        return struct.get(sqe_head$LAYOUT, sqe_head$OFFSET);
    }

    /** Writes {@code sqe_head}. */
    public static void sqe_head(MemorySegment struct, int value) {
        struct.set(sqe_head$LAYOUT, sqe_head$OFFSET, value);
    }

    private static final ValueLayout.OfInt sqe_tail$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sqe_tail"));
    private static final long sqe_tail$OFFSET = $LAYOUT.byteOffset(groupElement("sqe_tail"));

    /** Layout of {@code sqe_tail} (u32). */
    public static ValueLayout.OfInt sqe_tail$layout() {
        return sqe_tail$LAYOUT;
    }

    /** Byte offset of {@code sqe_tail}. */
    public static long sqe_tail$offset() {
        return sqe_tail$OFFSET;
    }

    /** Reads {@code sqe_tail}. */
    public static int sqe_tail(MemorySegment struct) {
        return struct.get(sqe_tail$LAYOUT, sqe_tail$OFFSET);
    }

    /** Writes {@code sqe_tail}. */
    public static void sqe_tail(MemorySegment struct, int value) {
        struct.set(sqe_tail$LAYOUT, sqe_tail$OFFSET, value);
    }

    private static final ValueLayout.OfLong ring_sz$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("ring_sz"));
    private static final long ring_sz$OFFSET = $LAYOUT.byteOffset(groupElement("ring_sz"));

    /** Layout of {@code ring_sz} (size_t). */
    public static ValueLayout.OfLong ring_sz$layout() {
        return ring_sz$LAYOUT;
    }

    /** Byte offset of {@code ring_sz}. */
    public static long ring_sz$offset() {
        return ring_sz$OFFSET;
    }

    /** Reads {@code ring_sz}. */
    public static long ring_sz(MemorySegment struct) {
        return struct.get(ring_sz$LAYOUT, ring_sz$OFFSET);
    }

    /** Writes {@code ring_sz}. */
    public static void ring_sz(MemorySegment struct, long value) {
        struct.set(ring_sz$LAYOUT, ring_sz$OFFSET, value);
    }

    private static final AddressLayout ring_ptr$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("ring_ptr"));
    private static final long ring_ptr$OFFSET = $LAYOUT.byteOffset(groupElement("ring_ptr"));

    /** Layout of {@code ring_ptr} (ptr). */
    public static AddressLayout ring_ptr$layout() {
        return ring_ptr$LAYOUT;
    }

    /** Byte offset of {@code ring_ptr}. */
    public static long ring_ptr$offset() {
        return ring_ptr$OFFSET;
    }

    /** Reads {@code ring_ptr}. */
    public static MemorySegment ring_ptr(MemorySegment struct) {
        return struct.get(ring_ptr$LAYOUT, ring_ptr$OFFSET);
    }

    /** Writes {@code ring_ptr}. */
    public static void ring_ptr(MemorySegment struct, MemorySegment value) {
        struct.set(ring_ptr$LAYOUT, ring_ptr$OFFSET, value);
    }

    private static final ValueLayout.OfInt ring_mask$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("ring_mask"));
    private static final long ring_mask$OFFSET = $LAYOUT.byteOffset(groupElement("ring_mask"));

    /** Layout of {@code ring_mask} (u32). */
    public static ValueLayout.OfInt ring_mask$layout() {
        return ring_mask$LAYOUT;
    }

    /** Byte offset of {@code ring_mask}. */
    public static long ring_mask$offset() {
        return ring_mask$OFFSET;
    }

    /** Reads {@code ring_mask}. */
    public static int ring_mask(MemorySegment struct) {
        return struct.get(ring_mask$LAYOUT, ring_mask$OFFSET);
    }

    /** Writes {@code ring_mask}. */
    public static void ring_mask(MemorySegment struct, int value) {
        struct.set(ring_mask$LAYOUT, ring_mask$OFFSET, value);
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

    private static final SequenceLayout pad$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("pad"));
    private static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));

    /** Layout of {@code pad[2]}. */
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
    public static int pad(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfInt) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 4);
    }

    /** Writes {@code pad[index]}. */
    public static void pad(MemorySegment struct, long index, int value) {
        struct.set((ValueLayout.OfInt) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 4, value);
    }

}
