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
 * {@code struct io_sqring_offsets} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: where the SQ ring fields live in its mmap.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_sqring_offsets {

    private io_sqring_offsets() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("head"),
        libc_h.C_INT.withName("tail"),
        libc_h.C_INT.withName("ring_mask"),
        libc_h.C_INT.withName("ring_entries"),
        libc_h.C_INT.withName("flags"),
        libc_h.C_INT.withName("dropped"),
        libc_h.C_INT.withName("array"),
        libc_h.C_INT.withName("resv1"),
        libc_h.C_LONG_LONG.withName("user_addr")
    ).withName("io_sqring_offsets");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_sqring_offsets)}. */
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

    private static final ValueLayout.OfInt head$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("head"));
    private static final long head$OFFSET = $LAYOUT.byteOffset(groupElement("head"));

    /** Layout of {@code head} (u32). */
    public static ValueLayout.OfInt head$layout() {
        return head$LAYOUT;
    }

    /** Byte offset of {@code head}. */
    public static long head$offset() {
        return head$OFFSET;
    }

    /** Reads {@code head}. */
    public static int head(MemorySegment struct) {
        return struct.get(head$LAYOUT, head$OFFSET);
    }

    /** Writes {@code head}. */
    public static void head(MemorySegment struct, int value) {
        struct.set(head$LAYOUT, head$OFFSET, value);
    }

    private static final ValueLayout.OfInt tail$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("tail"));
    private static final long tail$OFFSET = $LAYOUT.byteOffset(groupElement("tail"));

    /** Layout of {@code tail} (u32). */
    public static ValueLayout.OfInt tail$layout() {
        return tail$LAYOUT;
    }

    /** Byte offset of {@code tail}. */
    public static long tail$offset() {
        return tail$OFFSET;
    }

    /** Reads {@code tail}. */
    public static int tail(MemorySegment struct) {
        return struct.get(tail$LAYOUT, tail$OFFSET);
    }

    /** Writes {@code tail}. */
    public static void tail(MemorySegment struct, int value) {
        struct.set(tail$LAYOUT, tail$OFFSET, value);
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

    private static final ValueLayout.OfInt dropped$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("dropped"));
    private static final long dropped$OFFSET = $LAYOUT.byteOffset(groupElement("dropped"));

    /** Layout of {@code dropped} (u32). */
    public static ValueLayout.OfInt dropped$layout() {
        return dropped$LAYOUT;
    }

    /** Byte offset of {@code dropped}. */
    public static long dropped$offset() {
        return dropped$OFFSET;
    }

    /** Reads {@code dropped}. */
    public static int dropped(MemorySegment struct) {
        return struct.get(dropped$LAYOUT, dropped$OFFSET);
    }

    /** Writes {@code dropped}. */
    public static void dropped(MemorySegment struct, int value) {
        struct.set(dropped$LAYOUT, dropped$OFFSET, value);
    }

    private static final ValueLayout.OfInt array$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("array"));
    private static final long array$OFFSET = $LAYOUT.byteOffset(groupElement("array"));

    /** Layout of {@code array} (u32). */
    public static ValueLayout.OfInt array$layout() {
        return array$LAYOUT;
    }

    /** Byte offset of {@code array}. */
    public static long array$offset() {
        return array$OFFSET;
    }

    /** Reads {@code array}. */
    public static int array(MemorySegment struct) {
        return struct.get(array$LAYOUT, array$OFFSET);
    }

    /** Writes {@code array}. */
    public static void array(MemorySegment struct, int value) {
        struct.set(array$LAYOUT, array$OFFSET, value);
    }

    private static final ValueLayout.OfInt resv1$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("resv1"));
    private static final long resv1$OFFSET = $LAYOUT.byteOffset(groupElement("resv1"));

    /** Layout of {@code resv1} (u32). */
    public static ValueLayout.OfInt resv1$layout() {
        return resv1$LAYOUT;
    }

    /** Byte offset of {@code resv1}. */
    public static long resv1$offset() {
        return resv1$OFFSET;
    }

    /** Reads {@code resv1}. */
    public static int resv1(MemorySegment struct) {
        return struct.get(resv1$LAYOUT, resv1$OFFSET);
    }

    /** Writes {@code resv1}. */
    public static void resv1(MemorySegment struct, int value) {
        struct.set(resv1$LAYOUT, resv1$OFFSET, value);
    }

    private static final ValueLayout.OfLong user_addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("user_addr"));
    private static final long user_addr$OFFSET = $LAYOUT.byteOffset(groupElement("user_addr"));

    /** Layout of {@code user_addr} (u64). */
    public static ValueLayout.OfLong user_addr$layout() {
        return user_addr$LAYOUT;
    }

    /** Byte offset of {@code user_addr}. */
    public static long user_addr$offset() {
        return user_addr$OFFSET;
    }

    /** Reads {@code user_addr}. */
    public static long user_addr(MemorySegment struct) {
        return struct.get(user_addr$LAYOUT, user_addr$OFFSET);
    }

    /** Writes {@code user_addr}. */
    public static void user_addr(MemorySegment struct, long value) {
        struct.set(user_addr$LAYOUT, user_addr$OFFSET, value);
    }

}
