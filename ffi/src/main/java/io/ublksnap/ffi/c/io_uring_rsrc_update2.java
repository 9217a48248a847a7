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
 * {@code struct io_uring_rsrc_update2} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: argument of
 * {@code IORING_REGISTER_BUFFERS_UPDATE}/{@code IORING_REGISTER_FILES_UPDATE2}: replace {@code nr} slots from {@code offset}
 * with the entries at {@code data} (iovecs or fds).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_rsrc_update2 {

    private io_uring_rsrc_update2() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("offset"),
        libc_h.C_INT.withName("resv"),
        libc_h.C_LONG_LONG.withName("data"),
        libc_h.C_LONG_LONG.withName("tags"),
        libc_h.C_INT.withName("nr"),
        libc_h.C_INT.withName("resv2")
    ).withName("io_uring_rsrc_update2");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_rsrc_update2)}. */
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

    private static final ValueLayout.OfInt offset$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("offset"));
    private static final long offset$OFFSET = $LAYOUT.byteOffset(groupElement("offset"));

    /** Layout of {@code offset} (u32). */
    public static ValueLayout.OfInt offset$layout() {
        return offset$LAYOUT;
    }

    /** Byte offset of {@code offset}. */
    public static long offset$offset() {
        return offset$OFFSET;
    }

    /** Reads {@code offset}. */
    public static int offset(MemorySegment struct) {
        return struct.get(offset$LAYOUT, offset$OFFSET);
    }

    /** Writes {@code offset}. */
    public static void offset(MemorySegment struct, int value) {
        struct.set(offset$LAYOUT, offset$OFFSET, value);
    }

    private static final ValueLayout.OfInt resv$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("resv"));
    private static final long resv$OFFSET = $LAYOUT.byteOffset(groupElement("resv"));

    /** Layout of {@code resv} (u32). */
    public static ValueLayout.OfInt resv$layout() {
        return resv$LAYOUT;
    }

    /** Byte offset of {@code resv}. */
    public static long resv$offset() {
        return resv$OFFSET;
    }

    /** Reads {@code resv}. */
    public static int resv(MemorySegment struct) {
        return struct.get(resv$LAYOUT, resv$OFFSET);
    }

    /** Writes {@code resv}. */
    public static void resv(MemorySegment struct, int value) {
        struct.set(resv$LAYOUT, resv$OFFSET, value);
    }

    private static final ValueLayout.OfLong data$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("data"));
    private static final long data$OFFSET = $LAYOUT.byteOffset(groupElement("data"));

    /** Layout of {@code data} (u64). */
    public static ValueLayout.OfLong data$layout() {
        return data$LAYOUT;
    }

    /** Byte offset of {@code data}. */
    public static long data$offset() {
        return data$OFFSET;
    }

    /** Reads {@code data}. */
    public static long data(MemorySegment struct) {
        return struct.get(data$LAYOUT, data$OFFSET);
    }

    /** Writes {@code data}. */
    public static void data(MemorySegment struct, long value) {
        struct.set(data$LAYOUT, data$OFFSET, value);
    }

    private static final ValueLayout.OfLong tags$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("tags"));
    private static final long tags$OFFSET = $LAYOUT.byteOffset(groupElement("tags"));

    /** Layout of {@code tags} (u64). */
    public static ValueLayout.OfLong tags$layout() {
        return tags$LAYOUT;
    }

    /** Byte offset of {@code tags}. */
    public static long tags$offset() {
        return tags$OFFSET;
    }

    /** Reads {@code tags}. */
    public static long tags(MemorySegment struct) {
        return struct.get(tags$LAYOUT, tags$OFFSET);
    }

    /** Writes {@code tags}. */
    public static void tags(MemorySegment struct, long value) {
        struct.set(tags$LAYOUT, tags$OFFSET, value);
    }

    private static final ValueLayout.OfInt nr$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("nr"));
    private static final long nr$OFFSET = $LAYOUT.byteOffset(groupElement("nr"));

    /** Layout of {@code nr} (u32). */
    public static ValueLayout.OfInt nr$layout() {
        return nr$LAYOUT;
    }

    /** Byte offset of {@code nr}. */
    public static long nr$offset() {
        return nr$OFFSET;
    }

    /** Reads {@code nr}. */
    public static int nr(MemorySegment struct) {
        return struct.get(nr$LAYOUT, nr$OFFSET);
    }

    /** Writes {@code nr}. */
    public static void nr(MemorySegment struct, int value) {
        struct.set(nr$LAYOUT, nr$OFFSET, value);
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
