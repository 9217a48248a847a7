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
 * {@code struct ublksrv_io_desc} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: one I/O descriptor in the per-queue array that
 * the server maps read-only from {@code /dev/ublkcN}; index = tag.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublksrv_io_desc {

    private ublksrv_io_desc() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("op_flags"),
        MemoryLayout.unionLayout(
            libc_h.C_INT.withName("nr_sectors"),
            libc_h.C_INT.withName("nr_zones")
        ).withName("$anon0"),
        libc_h.C_LONG_LONG.withName("start_sector"),
        libc_h.C_LONG_LONG.withName("addr")
    ).withName("ublksrv_io_desc");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublksrv_io_desc)}. */
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

    private static final ValueLayout.OfInt op_flags$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("op_flags"));
    private static final long op_flags$OFFSET = $LAYOUT.byteOffset(groupElement("op_flags"));

    /** Layout of {@code op_flags} (u32). */
    public static ValueLayout.OfInt op_flags$layout() {
        return op_flags$LAYOUT;
    }

    /** Byte offset of {@code op_flags}. */
    public static long op_flags$offset() {
        return op_flags$OFFSET;
    }

    /** Reads {@code op_flags}. */
    public static int op_flags(MemorySegment struct) {
        return struct.get(op_flags$LAYOUT, op_flags$OFFSET);
    }

    /** Writes {@code op_flags}. */
    public static void op_flags(MemorySegment struct, int value) {
        struct.set(op_flags$LAYOUT, op_flags$OFFSET, value);
    }

    private static final ValueLayout.OfInt nr_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon0"), groupElement("nr_sectors"));
    private static final long nr_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("nr_sectors"));

    /** Layout of {@code nr_sectors} (u32). */
    public static ValueLayout.OfInt nr_sectors$layout() {
        return nr_sectors$LAYOUT;
    }

    /** Byte offset of {@code nr_sectors}. */
    public static long nr_sectors$offset() {
        return nr_sectors$OFFSET;
    }

    /** Reads {@code nr_sectors}. */
    public static int nr_sectors(MemorySegment struct) {
        return struct.get(nr_sectors$LAYOUT, nr_sectors$OFFSET);
    }

    /** Writes {@code nr_sectors}. */
    public static void nr_sectors(MemorySegment struct, int value) {
        struct.set(nr_sectors$LAYOUT, nr_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfInt nr_zones$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("$anon0"), groupElement("nr_zones"));
    private static final long nr_zones$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("nr_zones"));

    /** Layout of {@code nr_zones} (u32). */
    public static ValueLayout.OfInt nr_zones$layout() {
        return nr_zones$LAYOUT;
    }

    /** Byte offset of {@code nr_zones}. */
    public static long nr_zones$offset() {
        return nr_zones$OFFSET;
    }

    /** Reads {@code nr_zones}. */
    public static int nr_zones(MemorySegment struct) {
        return struct.get(nr_zones$LAYOUT, nr_zones$OFFSET);
    }

    /** Writes {@code nr_zones}. */
    public static void nr_zones(MemorySegment struct, int value) {
        struct.set(nr_zones$LAYOUT, nr_zones$OFFSET, value);
    }

    private static final ValueLayout.OfLong start_sector$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("start_sector"));
    private static final long start_sector$OFFSET = $LAYOUT.byteOffset(groupElement("start_sector"));

    /** Layout of {@code start_sector} (u64). */
    public static ValueLayout.OfLong start_sector$layout() {
        return start_sector$LAYOUT;
    }

    /** Byte offset of {@code start_sector}. */
    public static long start_sector$offset() {
        return start_sector$OFFSET;
    }

    /** Reads {@code start_sector}. */
    public static long start_sector(MemorySegment struct) {
        return struct.get(start_sector$LAYOUT, start_sector$OFFSET);
    }

    /** Writes {@code start_sector}. */
    public static void start_sector(MemorySegment struct, long value) {
        struct.set(start_sector$LAYOUT, start_sector$OFFSET, value);
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

}
