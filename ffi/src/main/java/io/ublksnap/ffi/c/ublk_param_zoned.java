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
 * {@code struct ublk_param_zoned} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_ZONED}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_zoned {

    private ublk_param_zoned() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("max_open_zones"),
        libc_h.C_INT.withName("max_active_zones"),
        libc_h.C_INT.withName("max_zone_append_sectors"),
        MemoryLayout.sequenceLayout(20, libc_h.C_CHAR).withName("reserved")
    ).withName("ublk_param_zoned");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_zoned)}. */
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

    private static final ValueLayout.OfInt max_open_zones$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_open_zones"));
    private static final long max_open_zones$OFFSET = $LAYOUT.byteOffset(groupElement("max_open_zones"));

    /** Layout of {@code max_open_zones} (u32). */
    public static ValueLayout.OfInt max_open_zones$layout() {
        return max_open_zones$LAYOUT;
    }

    /** Byte offset of {@code max_open_zones}. */
    public static long max_open_zones$offset() {
        return max_open_zones$OFFSET;
    }

    /** Reads {@code max_open_zones}. */
    public static int max_open_zones(MemorySegment struct) {
        return struct.get(max_open_zones$LAYOUT, max_open_zones$OFFSET);
    }

    /** Writes {@code max_open_zones}. */
    public static void max_open_zones(MemorySegment struct, int value) {
        struct.set(max_open_zones$LAYOUT, max_open_zones$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_active_zones$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_active_zones"));
    private static final long max_active_zones$OFFSET = $LAYOUT.byteOffset(groupElement("max_active_zones"));

    /** Layout of {@code max_active_zones} (u32). */
    public static ValueLayout.OfInt max_active_zones$layout() {
        return max_active_zones$LAYOUT;
    }

    /** Byte offset of {@code max_active_zones}. */
    public static long max_active_zones$offset() {
        return max_active_zones$OFFSET;
    }

    /** Reads {@code max_active_zones}. */
    public static int max_active_zones(MemorySegment struct) {
        return struct.get(max_active_zones$LAYOUT, max_active_zones$OFFSET);
    }

    /** Writes {@code max_active_zones}. */
    public static void max_active_zones(MemorySegment struct, int value) {
        struct.set(max_active_zones$LAYOUT, max_active_zones$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_zone_append_sectors$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_zone_append_sectors"));
    private static final long max_zone_append_sectors$OFFSET = $LAYOUT.byteOffset(groupElement("max_zone_append_sectors"));

    /** Layout of {@code max_zone_append_sectors} (u32). */
    public static ValueLayout.OfInt max_zone_append_sectors$layout() {
        return max_zone_append_sectors$LAYOUT;
    }

    /** Byte offset of {@code max_zone_append_sectors}. */
    public static long max_zone_append_sectors$offset() {
        return max_zone_append_sectors$OFFSET;
    }

    /** Reads {@code max_zone_append_sectors}. */
    public static int max_zone_append_sectors(MemorySegment struct) {
        return struct.get(max_zone_append_sectors$LAYOUT, max_zone_append_sectors$OFFSET);
    }

    /** Writes {@code max_zone_append_sectors}. */
    public static void max_zone_append_sectors(MemorySegment struct, int value) {
        struct.set(max_zone_append_sectors$LAYOUT, max_zone_append_sectors$OFFSET, value);
    }

    private static final SequenceLayout reserved$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("reserved"));
    private static final long reserved$OFFSET = $LAYOUT.byteOffset(groupElement("reserved"));

    /** Layout of {@code reserved[20]}. */
    public static SequenceLayout reserved$layout() {
        return reserved$LAYOUT;
    }

    /** Byte offset of {@code reserved}. */
    public static long reserved$offset() {
        return reserved$OFFSET;
    }

    /** The array {@code reserved} as a slice of {@code struct}. */
    public static MemorySegment reserved(MemorySegment struct) {
        return struct.asSlice(reserved$OFFSET, reserved$LAYOUT);
    }

    /** Reads {@code reserved[index]}. */
    public static byte reserved(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfByte) reserved$LAYOUT.elementLayout(), reserved$OFFSET + index * 1);
    }

    /** Writes {@code reserved[index]}. */
    public static void reserved(MemorySegment struct, long index, byte value) {
        struct.set((ValueLayout.OfByte) reserved$LAYOUT.elementLayout(), reserved$OFFSET + index * 1, value);
    }

}
