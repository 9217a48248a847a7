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
 * {@code struct ublk_param_discard} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_DISCARD}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_discard {

    private ublk_param_discard() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("discard_alignment"),
        libc_h.C_INT.withName("discard_granularity"),
        libc_h.C_INT.withName("max_discard_sectors"),
        libc_h.C_INT.withName("max_write_zeroes_sectors"),
        libc_h.C_SHORT.withName("max_discard_segments"),
        libc_h.C_SHORT.withName("reserved0")
    ).withName("ublk_param_discard");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_discard)}. */
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

    private static final ValueLayout.OfInt discard_alignment$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("discard_alignment"));
    private static final long discard_alignment$OFFSET = $LAYOUT.byteOffset(groupElement("discard_alignment"));

    /** Layout of {@code discard_alignment} (u32). */
    public static ValueLayout.OfInt discard_alignment$layout() {
        return discard_alignment$LAYOUT;
    }

    /** Byte offset of {@code discard_alignment}. */
    public static long discard_alignment$offset() {
        return discard_alignment$OFFSET;
    }

    /** Reads {@code discard_alignment}. */
    public static int discard_alignment(MemorySegment struct) {
        return struct.get(discard_alignment$LAYOUT, discard_alignment$OFFSET);
    }

    /** Writes {@code discard_alignment}. */
    public static void discard_alignment(MemorySegment struct, int value) {
        struct.set(discard_alignment$LAYOUT, discard_alignment$OFFSET, value);
    }

    private static final ValueLayout.OfInt discard_granularity$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("discard_granularity"));
    private static final long discard_granularity$OFFSET = $LAYOUT.byteOffset(groupElement("discard_granularity"));

    /** Layout of {@code discard_granularity} (u32). */
    public static ValueLayout.OfInt discard_granularity$layout() {
        return discard_granularity$LAYOUT;
    }

    /** Byte offset of {@code discard_granularity}. */
    public static long discard_granularity$offset() {
        return discard_granularity$OFFSET;
    }

    /** Reads {@code discard_granularity}. */
    public static int discard_granularity(MemorySegment struct) {
        return struct.get(discard_granularity$LAYOUT, discard_granularity$OFFSET);
    }

    /** Writes {@code discard_granularity}. */
    public static void discard_granularity(MemorySegment struct, int value) {
        struct.set(discard_granularity$LAYOUT, discard_granularity$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_discard_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_discard_sectors"));
    private static final long max_discard_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_discard_sectors"));

    /** Layout of {@code max_discard_sectors} (u32). */
    public static ValueLayout.OfInt max_discard_sectors$layout() {
        return max_discard_sectors$LAYOUT;
    }

    /** Byte offset of {@code max_discard_sectors}. */
    public static long max_discard_sectors$offset() {
        return max_discard_sectors$OFFSET;
    }

    /** Reads {@code max_discard_sectors}. */
    public static int max_discard_sectors(MemorySegment struct) {
        return struct.get(max_discard_sectors$LAYOUT, max_discard_sectors$OFFSET);
    }

    /** Writes {@code max_discard_sectors}. */
    public static void max_discard_sectors(MemorySegment struct, int value) {
        struct.set(max_discard_sectors$LAYOUT, max_discard_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_write_zeroes_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_write_zeroes_sectors"));
    private static final long max_write_zeroes_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_write_zeroes_sectors"));

    /** Layout of {@code max_write_zeroes_sectors} (u32). */
    public static ValueLayout.OfInt max_write_zeroes_sectors$layout() {
        return max_write_zeroes_sectors$LAYOUT;
    }

    /** Byte offset of {@code max_write_zeroes_sectors}. */
    public static long max_write_zeroes_sectors$offset() {
        return max_write_zeroes_sectors$OFFSET;
    }

    /** Reads {@code max_write_zeroes_sectors}. */
    public static int max_write_zeroes_sectors(MemorySegment struct) {
        return struct.get(max_write_zeroes_sectors$LAYOUT, max_write_zeroes_sectors$OFFSET);
    }

    /** Writes {@code max_write_zeroes_sectors}. */
    public static void max_write_zeroes_sectors(MemorySegment struct, int value) {
        struct.set(max_write_zeroes_sectors$LAYOUT, max_write_zeroes_sectors$OFFSET, value);
    }

    private static final ValueLayout.OfShort max_discard_segments$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("max_discard_segments"));
    private static final long max_discard_segments$OFFSET = $LAYOUT.byteOffset(groupElement("max_discard_segments"));

    /** Layout of {@code max_discard_segments} (u16). */
    public static ValueLayout.OfShort max_discard_segments$layout() {
        return max_discard_segments$LAYOUT;
    }

    /** Byte offset of {@code max_discard_segments}. */
    public static long max_discard_segments$offset() {
        return max_discard_segments$OFFSET;
    }

    /** Reads {@code max_discard_segments}. */
    public static short max_discard_segments(MemorySegment struct) {
        return struct.get(max_discard_segments$LAYOUT, max_discard_segments$OFFSET);
    }

    /** Writes {@code max_discard_segments}. */
    public static void max_discard_segments(MemorySegment struct, short value) {
        struct.set(max_discard_segments$LAYOUT, max_discard_segments$OFFSET, value);
    }

    private static final ValueLayout.OfShort reserved0$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("reserved0"));
    private static final long reserved0$OFFSET = $LAYOUT.byteOffset(groupElement("reserved0"));

    /** Layout of {@code reserved0} (u16). */
    public static ValueLayout.OfShort reserved0$layout() {
        return reserved0$LAYOUT;
    }

    /** Byte offset of {@code reserved0}. */
    public static long reserved0$offset() {
        return reserved0$OFFSET;
    }

    /** Reads {@code reserved0}. */
    public static short reserved0(MemorySegment struct) {
        return struct.get(reserved0$LAYOUT, reserved0$OFFSET);
    }

    /** Writes {@code reserved0}. */
    public static void reserved0(MemorySegment struct, short value) {
        struct.set(reserved0$LAYOUT, reserved0$OFFSET, value);
    }

}
