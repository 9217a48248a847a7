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
 * {@code struct ublk_param_basic} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: size and queue limits ({@code UBLK_PARAM_TYPE_BASIC}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_basic {

    private ublk_param_basic() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("attrs"),
        libc_h.C_CHAR.withName("logical_bs_shift"),
        libc_h.C_CHAR.withName("physical_bs_shift"),
        libc_h.C_CHAR.withName("io_opt_shift"),
        libc_h.C_CHAR.withName("io_min_shift"),
        libc_h.C_INT.withName("max_sectors"),
        libc_h.C_INT.withName("chunk_sectors"),
        libc_h.C_LONG_LONG.withName("dev_sectors"),
        libc_h.C_LONG_LONG.withName("virt_boundary_mask")
    ).withName("ublk_param_basic");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_basic)}. */
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

    private static final ValueLayout.OfInt attrs$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("attrs"));
    private static final long attrs$OFFSET = $LAYOUT.byteOffset(groupElement("attrs"));

    /** Layout of {@code attrs} (u32). */
    public static ValueLayout.OfInt attrs$layout() {
        return attrs$LAYOUT;
    }

    /** Byte offset of {@code attrs}. */
    public static long attrs$offset() {
        return attrs$OFFSET;
    }

    /** Reads {@code attrs}. */
    public static int attrs(MemorySegment struct) {
        return struct.get(attrs$LAYOUT, attrs$OFFSET);
    }

    /** Writes {@code attrs}. */
    public static void attrs(MemorySegment struct, int value) {
        struct.set(attrs$LAYOUT, attrs$OFFSET, value);
    }

    private static final ValueLayout.OfByte logical_bs_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("logical_bs_shift"));
    private static final long logical_bs_shift$OFFSET = $LAYOUT.byteOffset(groupElement("logical_bs_shift"));

    /** Layout of {@code logical_bs_shift} (u8). */
    public static ValueLayout.OfByte logical_bs_shift$layout() {
        return logical_bs_shift$LAYOUT;
    }

    /** Byte offset of {@code logical_bs_shift}. */
    public static long logical_bs_shift$offset() {
        return logical_bs_shift$OFFSET;
    }

    /** Reads {@code logical_bs_shift}. */
    public static byte logical_bs_shift(MemorySegment struct) {
        return struct.get(logical_bs_shift$LAYOUT, logical_bs_shift$OFFSET);
    }

    /** Writes {@code logical_bs_shift}. */
    public static void logical_bs_shift(MemorySegment struct, byte value) {
        struct.set(logical_bs_shift$LAYOUT, logical_bs_shift$OFFSET, value);
    }

    private static final ValueLayout.OfByte physical_bs_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("physical_bs_shift"));
    private static final long physical_bs_shift$OFFSET = $LAYOUT.byteOffset(groupElement("physical_bs_shift"));

    /** Layout of {@code physical_bs_shift} (u8). */
    public static ValueLayout.OfByte physical_bs_shift$layout() {
        return physical_bs_shift$LAYOUT;
    }

    /** Byte offset of {@code physical_bs_shift}. */
    public static long physical_bs_shift$offset() {
        return physical_bs_shift$OFFSET;
    }

    /** Reads {@code physical_bs_shift}. */
    public static byte physical_bs_shift(MemorySegment struct) {
        return struct.get(physical_bs_shift$LAYOUT, physical_bs_shift$OFFSET);
    }

    /** Writes {@code physical_bs_shift}. */
    public static void physical_bs_shift(MemorySegment struct, byte value) {
        struct.set(physical_bs_shift$LAYOUT, physical_bs_shift$OFFSET, value);
    }

    private static final ValueLayout.OfByte io_opt_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("io_opt_shift"));
    private static final long io_opt_shift$OFFSET = $LAYOUT.byteOffset(groupElement("io_opt_shift"));

    /** Layout of {@code io_opt_shift} (u8). */
    public static ValueLayout.OfByte io_opt_shift$layout() {
        return io_opt_shift$LAYOUT;
    }

    /** Byte offset of {@code io_opt_shift}. */
    public static long io_opt_shift$offset() {
        return io_opt_shift$OFFSET;
    }

    /** Reads {@code io_opt_shift}. */
    public static byte io_opt_shift(MemorySegment struct) {
        return struct.get(io_opt_shift$LAYOUT, io_opt_shift$OFFSET);
    }

    /** Writes {@code io_opt_shift}. */
    public static void io_opt_shift(MemorySegment struct, byte value) {
        struct.set(io_opt_shift$LAYOUT, io_opt_shift$OFFSET, value);
    }

    private static final ValueLayout.OfByte io_min_shift$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("io_min_shift"));
    private static final long io_min_shift$OFFSET = $LAYOUT.byteOffset(groupElement("io_min_shift"));

    /** Layout of {@code io_min_shift} (u8). */
    public static ValueLayout.OfByte io_min_shift$layout() {
        return io_min_shift$LAYOUT;
    }

    /** Byte offset of {@code io_min_shift}. */
    public static long io_min_shift$offset() {
        return io_min_shift$OFFSET;
    }

    /** Reads {@code io_min_shift}. */
    public static byte io_min_shift(MemorySegment struct) {
        return struct.get(io_min_shift$LAYOUT, io_min_shift$OFFSET);
    }

    /** Writes {@code io_min_shift}. */
    public static void io_min_shift(MemorySegment struct, byte value) {
        struct.set(io_min_shift$LAYOUT, io_min_shift$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_sectors"));
    private static final long max_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_sectors"));

    /** Layout of {@code max_sectors} (u32). */
    public static ValueLayout.OfInt max_sectors$layout() {
        return max_sectors$LAYOUT;
    }

    /** Byte offset of {@code max_sectors}. */
    public static long max_sectors$offset() {
        return max_sectors$OFFSET;
    }

    /** Reads {@code max_sectors}. */
    public static int max_sectors(MemorySegment struct) {
        return struct.get(max_sectors$LAYOUT, max_sectors$OFFSET);
    }

    /** Writes {@code max_sectors}. */
    public static void max_sectors(MemorySegment struct, int value) {
        struct.set(max_sectors$LAYOUT, max_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfInt chunk_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("chunk_sectors"));
    private static final long chunk_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("chunk_sectors"));

    /** Layout of {@code chunk_sectors} (u32). */
    public static ValueLayout.OfInt chunk_sectors$layout() {
        return chunk_sectors$LAYOUT;
    }

    /** Byte offset of {@code chunk_sectors}. */
    public static long chunk_sectors$offset() {
        return chunk_sectors$OFFSET;
    }

    /** Reads {@code chunk_sectors}. */
    public static int chunk_sectors(MemorySegment struct) {
        return struct.get(chunk_sectors$LAYOUT, chunk_sectors$OFFSET);
    }

    /** Writes {@code chunk_sectors}. */
    public static void chunk_sectors(MemorySegment struct, int value) {
        struct.set(chunk_sectors$LAYOUT, chunk_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfLong dev_sectors$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("dev_sectors"));
    private static final long dev_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("dev_sectors"));

    /** Layout of {@code dev_sectors} (u64). */
    public static ValueLayout.OfLong dev_sectors$layout() {
        return dev_sectors$LAYOUT;
    }

    /** Byte offset of {@code dev_sectors}. */
    public static long dev_sectors$offset() {
        return dev_sectors$OFFSET;
    }

    /** Reads {@code dev_sectors}. */
    public static long dev_sectors(MemorySegment struct) {
        return struct.get(dev_sectors$LAYOUT, dev_sectors$OFFSET);
    }

    /** Writes {@code dev_sectors}. */
    public static void dev_sectors(MemorySegment struct, long value) {
        struct.set(dev_sectors$LAYOUT, dev_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfLong virt_boundary_mask$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("virt_boundary_mask"));
    private static final long virt_boundary_mask$OFFSET = $LAYOUT.byteOffset(groupElement("virt_boundary_mask"));

    /** Layout of {@code virt_boundary_mask} (u64). */
    public static ValueLayout.OfLong virt_boundary_mask$layout() {
        return virt_boundary_mask$LAYOUT;
    }

    /** Byte offset of {@code virt_boundary_mask}. */
    public static long virt_boundary_mask$offset() {
        return virt_boundary_mask$OFFSET;
    }

    /** Reads {@code virt_boundary_mask}. */
    public static long virt_boundary_mask(MemorySegment struct) {
        return struct.get(virt_boundary_mask$LAYOUT, virt_boundary_mask$OFFSET);
    }

    /** Writes {@code virt_boundary_mask}. */
    public static void virt_boundary_mask(MemorySegment struct, long value) {
        struct.set(virt_boundary_mask$LAYOUT, virt_boundary_mask$OFFSET, value);
    }

}
