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
 * {@code struct ublk_param_segment} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_SEGMENT}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_segment {

    private ublk_param_segment() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("seg_boundary_mask"),
        libc_h.C_INT.withName("max_segment_size"),
        libc_h.C_SHORT.withName("max_segments"),
        MemoryLayout.sequenceLayout(2, libc_h.C_CHAR).withName("pad")
    ).withName("ublk_param_segment");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_segment)}. */
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

    private static final ValueLayout.OfLong seg_boundary_mask$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("seg_boundary_mask"));
    private static final long seg_boundary_mask$OFFSET = $LAYOUT.byteOffset(groupElement("seg_boundary_mask"));

    /** Layout of {@code seg_boundary_mask} (u64). */
    public static ValueLayout.OfLong seg_boundary_mask$layout() {
        return seg_boundary_mask$LAYOUT;
    }

    /** Byte offset of {@code seg_boundary_mask}. */
    public static long seg_boundary_mask$offset() {
        return seg_boundary_mask$OFFSET;
    }

    /** Reads {@code seg_boundary_mask}. */
    public static long seg_boundary_mask(MemorySegment struct) {
        return struct.get(seg_boundary_mask$LAYOUT, seg_boundary_mask$OFFSET);
    }

    /** Writes {@code seg_boundary_mask}. */
    public static void seg_boundary_mask(MemorySegment struct, long value) {
        struct.set(seg_boundary_mask$LAYOUT, seg_boundary_mask$OFFSET, value);
    }

    private static final ValueLayout.OfInt max_segment_size$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("max_segment_size"));
    private static final long max_segment_size$OFFSET = $LAYOUT.byteOffset(groupElement("max_segment_size"));

    /** Layout of {@code max_segment_size} (u32). */
    public static ValueLayout.OfInt max_segment_size$layout() {
        return max_segment_size$LAYOUT;
    }

    /** Byte offset of {@code max_segment_size}. */
    public static long max_segment_size$offset() {
        return max_segment_size$OFFSET;
    }

    /** Reads {@code max_segment_size}. */
    public static int max_segment_size(MemorySegment struct) {
        return struct.get(max_segment_size$LAYOUT, max_segment_size$OFFSET);
    }

    /** Writes {@code max_segment_size}. */
    public static void max_segment_size(MemorySegment struct, int value) {
        struct.set(max_segment_size$LAYOUT, max_segment_size$OFFSET, value);
    }

    private static final ValueLayout.OfShort max_segments$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("max_segments"));
    private static final long max_segments$OFFSET = $LAYOUT.byteOffset(groupElement("max_segments"));

    /** Layout of {@code max_segments} (u16). */
    public static ValueLayout.OfShort max_segments$layout() {
        return max_segments$LAYOUT;
    }

    /** Byte offset of {@code max_segments}. */
    public static long max_segments$offset() {
        return max_segments$OFFSET;
    }

    /** Reads {@code max_segments}. */
    public static short max_segments(MemorySegment struct) {
        return struct.get(max_segments$LAYOUT, max_segments$OFFSET);
    }

    /** Writes {@code max_segments}. */
    public static void max_segments(MemorySegment struct, short value) {
        struct.set(max_segments$LAYOUT, max_segments$OFFSET, value);
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
    public static byte pad(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfByte) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 1);
    }

    /** Writes {@code pad[index]}. */
    public static void pad(MemorySegment struct, long index, byte value) {
        struct.set((ValueLayout.OfByte) pad$LAYOUT.elementLayout(), pad$OFFSET + index * 1, value);
    }

}
