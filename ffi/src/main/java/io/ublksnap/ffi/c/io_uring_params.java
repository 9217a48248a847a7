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
 * {@code struct io_uring_params} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/io_uring.h">include/uapi/linux/io_uring.h</a>: in/out argument of {@code io_uring_setup(2)}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class io_uring_params {

    private io_uring_params() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("sq_entries"),
        libc_h.C_INT.withName("cq_entries"),
        libc_h.C_INT.withName("flags"),
        libc_h.C_INT.withName("sq_thread_cpu"),
        libc_h.C_INT.withName("sq_thread_idle"),
        libc_h.C_INT.withName("features"),
        libc_h.C_INT.withName("wq_fd"),
        MemoryLayout.sequenceLayout(3, libc_h.C_INT).withName("resv"),
        io_sqring_offsets.layout().withName("sq_off"),
        io_cqring_offsets.layout().withName("cq_off")
    ).withName("io_uring_params");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct io_uring_params)}. */
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

    private static final ValueLayout.OfInt sq_entries$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sq_entries"));
    private static final long sq_entries$OFFSET = $LAYOUT.byteOffset(groupElement("sq_entries"));

    /** Layout of {@code sq_entries} (u32). */
    public static ValueLayout.OfInt sq_entries$layout() {
        return sq_entries$LAYOUT;
    }

    /** Byte offset of {@code sq_entries}. */
    public static long sq_entries$offset() {
        return sq_entries$OFFSET;
    }

    /** Reads {@code sq_entries}. */
    public static int sq_entries(MemorySegment struct) {
        return struct.get(sq_entries$LAYOUT, sq_entries$OFFSET);
    }

    /** Writes {@code sq_entries}. */
    public static void sq_entries(MemorySegment struct, int value) {
        struct.set(sq_entries$LAYOUT, sq_entries$OFFSET, value);
    }

    private static final ValueLayout.OfInt cq_entries$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("cq_entries"));
    private static final long cq_entries$OFFSET = $LAYOUT.byteOffset(groupElement("cq_entries"));

    /** Layout of {@code cq_entries} (u32). */
    public static ValueLayout.OfInt cq_entries$layout() {
        return cq_entries$LAYOUT;
    }

    /** Byte offset of {@code cq_entries}. */
    public static long cq_entries$offset() {
        return cq_entries$OFFSET;
    }

    /** Reads {@code cq_entries}. */
    public static int cq_entries(MemorySegment struct) {
        return struct.get(cq_entries$LAYOUT, cq_entries$OFFSET);
    }

    /** Writes {@code cq_entries}. */
    public static void cq_entries(MemorySegment struct, int value) {
        struct.set(cq_entries$LAYOUT, cq_entries$OFFSET, value);
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

    private static final ValueLayout.OfInt sq_thread_cpu$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sq_thread_cpu"));
    private static final long sq_thread_cpu$OFFSET = $LAYOUT.byteOffset(groupElement("sq_thread_cpu"));

    /** Layout of {@code sq_thread_cpu} (u32). */
    public static ValueLayout.OfInt sq_thread_cpu$layout() {
        return sq_thread_cpu$LAYOUT;
    }

    /** Byte offset of {@code sq_thread_cpu}. */
    public static long sq_thread_cpu$offset() {
        return sq_thread_cpu$OFFSET;
    }

    /** Reads {@code sq_thread_cpu}. */
    public static int sq_thread_cpu(MemorySegment struct) {
        return struct.get(sq_thread_cpu$LAYOUT, sq_thread_cpu$OFFSET);
    }

    /** Writes {@code sq_thread_cpu}. */
    public static void sq_thread_cpu(MemorySegment struct, int value) {
        struct.set(sq_thread_cpu$LAYOUT, sq_thread_cpu$OFFSET, value);
    }

    private static final ValueLayout.OfInt sq_thread_idle$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("sq_thread_idle"));
    private static final long sq_thread_idle$OFFSET = $LAYOUT.byteOffset(groupElement("sq_thread_idle"));

    /** Layout of {@code sq_thread_idle} (u32). */
    public static ValueLayout.OfInt sq_thread_idle$layout() {
        return sq_thread_idle$LAYOUT;
    }

    /** Byte offset of {@code sq_thread_idle}. */
    public static long sq_thread_idle$offset() {
        return sq_thread_idle$OFFSET;
    }

    /** Reads {@code sq_thread_idle}. */
    public static int sq_thread_idle(MemorySegment struct) {
        return struct.get(sq_thread_idle$LAYOUT, sq_thread_idle$OFFSET);
    }

    /** Writes {@code sq_thread_idle}. */
    public static void sq_thread_idle(MemorySegment struct, int value) {
        struct.set(sq_thread_idle$LAYOUT, sq_thread_idle$OFFSET, value);
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

    private static final ValueLayout.OfInt wq_fd$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("wq_fd"));
    private static final long wq_fd$OFFSET = $LAYOUT.byteOffset(groupElement("wq_fd"));

    /** Layout of {@code wq_fd} (u32). */
    public static ValueLayout.OfInt wq_fd$layout() {
        return wq_fd$LAYOUT;
    }

    /** Byte offset of {@code wq_fd}. */
    public static long wq_fd$offset() {
        return wq_fd$OFFSET;
    }

    /** Reads {@code wq_fd}. */
    public static int wq_fd(MemorySegment struct) {
        return struct.get(wq_fd$LAYOUT, wq_fd$OFFSET);
    }

    /** Writes {@code wq_fd}. */
    public static void wq_fd(MemorySegment struct, int value) {
        struct.set(wq_fd$LAYOUT, wq_fd$OFFSET, value);
    }

    private static final SequenceLayout resv$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("resv"));
    private static final long resv$OFFSET = $LAYOUT.byteOffset(groupElement("resv"));

    /** Layout of {@code resv[3]}. */
    public static SequenceLayout resv$layout() {
        return resv$LAYOUT;
    }

    /** Byte offset of {@code resv}. */
    public static long resv$offset() {
        return resv$OFFSET;
    }

    /** The array {@code resv} as a slice of {@code struct}. */
    public static MemorySegment resv(MemorySegment struct) {
        return struct.asSlice(resv$OFFSET, resv$LAYOUT);
    }

    /** Reads {@code resv[index]}. */
    public static int resv(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfInt) resv$LAYOUT.elementLayout(), resv$OFFSET + index * 4);
    }

    /** Writes {@code resv[index]}. */
    public static void resv(MemorySegment struct, long index, int value) {
        struct.set((ValueLayout.OfInt) resv$LAYOUT.elementLayout(), resv$OFFSET + index * 4, value);
    }

    private static final GroupLayout sq_off$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("sq_off"));
    private static final long sq_off$OFFSET = $LAYOUT.byteOffset(groupElement("sq_off"));

    /** Layout of {@code sq_off} ({@link io_sqring_offsets}). */
    public static GroupLayout sq_off$layout() {
        return sq_off$LAYOUT;
    }

    /** Byte offset of {@code sq_off}. */
    public static long sq_off$offset() {
        return sq_off$OFFSET;
    }

    /** The nested struct {@code sq_off} as a slice of {@code struct} (writes go through). */
    public static MemorySegment sq_off(MemorySegment struct) {
        return struct.asSlice(sq_off$OFFSET, sq_off$LAYOUT);
    }

    /** Copies {@code value} into {@code sq_off}. */
    public static void sq_off(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, sq_off$OFFSET, sq_off$LAYOUT.byteSize());
    }

    private static final GroupLayout cq_off$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("cq_off"));
    private static final long cq_off$OFFSET = $LAYOUT.byteOffset(groupElement("cq_off"));

    /** Layout of {@code cq_off} ({@link io_cqring_offsets}). */
    public static GroupLayout cq_off$layout() {
        return cq_off$LAYOUT;
    }

    /** Byte offset of {@code cq_off}. */
    public static long cq_off$offset() {
        return cq_off$OFFSET;
    }

    /** The nested struct {@code cq_off} as a slice of {@code struct} (writes go through). */
    public static MemorySegment cq_off(MemorySegment struct) {
        return struct.asSlice(cq_off$OFFSET, cq_off$LAYOUT);
    }

    /** Copies {@code value} into {@code cq_off}. */
    public static void cq_off(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, cq_off$OFFSET, cq_off$LAYOUT.byteSize());
    }

}
