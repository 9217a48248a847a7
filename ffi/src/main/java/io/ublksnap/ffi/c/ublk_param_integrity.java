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
 * {@code struct ublk_param_integrity} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_INTEGRITY}, 7.x).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_integrity {

    private ublk_param_integrity() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("flags"),
        libc_h.C_SHORT.withName("max_integrity_segments"),
        libc_h.C_CHAR.withName("interval_exp"),
        libc_h.C_CHAR.withName("metadata_size"),
        libc_h.C_CHAR.withName("pi_offset"),
        libc_h.C_CHAR.withName("csum_type"),
        libc_h.C_CHAR.withName("tag_size"),
        MemoryLayout.sequenceLayout(5, libc_h.C_CHAR).withName("pad")
    ).withName("ublk_param_integrity");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_integrity)}. */
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

    private static final ValueLayout.OfShort max_integrity_segments$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("max_integrity_segments"));
    private static final long max_integrity_segments$OFFSET = $LAYOUT.byteOffset(groupElement("max_integrity_segments"));

    /** Layout of {@code max_integrity_segments} (u16). */
    public static ValueLayout.OfShort max_integrity_segments$layout() {
        return max_integrity_segments$LAYOUT;
    }

    /** Byte offset of {@code max_integrity_segments}. */
    public static long max_integrity_segments$offset() {
        return max_integrity_segments$OFFSET;
    }

    /** Reads {@code max_integrity_segments}. */
    public static short max_integrity_segments(MemorySegment struct) {
        return struct.get(max_integrity_segments$LAYOUT, max_integrity_segments$OFFSET);
    }

    /** Writes {@code max_integrity_segments}. */
    public static void max_integrity_segments(MemorySegment struct, short value) {
        struct.set(max_integrity_segments$LAYOUT, max_integrity_segments$OFFSET, value);
    }

    private static final ValueLayout.OfByte interval_exp$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("interval_exp"));
    private static final long interval_exp$OFFSET = $LAYOUT.byteOffset(groupElement("interval_exp"));

    /** Layout of {@code interval_exp} (u8). */
    public static ValueLayout.OfByte interval_exp$layout() {
        return interval_exp$LAYOUT;
    }

    /** Byte offset of {@code interval_exp}. */
    public static long interval_exp$offset() {
        return interval_exp$OFFSET;
    }

    /** Reads {@code interval_exp}. */
    public static byte interval_exp(MemorySegment struct) {
        return struct.get(interval_exp$LAYOUT, interval_exp$OFFSET);
    }

    /** Writes {@code interval_exp}. */
    public static void interval_exp(MemorySegment struct, byte value) {
        struct.set(interval_exp$LAYOUT, interval_exp$OFFSET, value);
    }

    private static final ValueLayout.OfByte metadata_size$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("metadata_size"));
    private static final long metadata_size$OFFSET = $LAYOUT.byteOffset(groupElement("metadata_size"));

    /** Layout of {@code metadata_size} (u8). */
    public static ValueLayout.OfByte metadata_size$layout() {
        return metadata_size$LAYOUT;
    }

    /** Byte offset of {@code metadata_size}. */
    public static long metadata_size$offset() {
        return metadata_size$OFFSET;
    }

    /** Reads {@code metadata_size}. */
    public static byte metadata_size(MemorySegment struct) {
        return struct.get(metadata_size$LAYOUT, metadata_size$OFFSET);
    }

    /** Writes {@code metadata_size}. */
    public static void metadata_size(MemorySegment struct, byte value) {
        struct.set(metadata_size$LAYOUT, metadata_size$OFFSET, value);
    }

    private static final ValueLayout.OfByte pi_offset$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("pi_offset"));
    private static final long pi_offset$OFFSET = $LAYOUT.byteOffset(groupElement("pi_offset"));

    /** Layout of {@code pi_offset} (u8). */
    public static ValueLayout.OfByte pi_offset$layout() {
        return pi_offset$LAYOUT;
    }

    /** Byte offset of {@code pi_offset}. */
    public static long pi_offset$offset() {
        return pi_offset$OFFSET;
    }

    /** Reads {@code pi_offset}. */
    public static byte pi_offset(MemorySegment struct) {
        return struct.get(pi_offset$LAYOUT, pi_offset$OFFSET);
    }

    /** Writes {@code pi_offset}. */
    public static void pi_offset(MemorySegment struct, byte value) {
        struct.set(pi_offset$LAYOUT, pi_offset$OFFSET, value);
    }

    private static final ValueLayout.OfByte csum_type$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("csum_type"));
    private static final long csum_type$OFFSET = $LAYOUT.byteOffset(groupElement("csum_type"));

    /** Layout of {@code csum_type} (u8). */
    public static ValueLayout.OfByte csum_type$layout() {
        return csum_type$LAYOUT;
    }

    /** Byte offset of {@code csum_type}. */
    public static long csum_type$offset() {
        return csum_type$OFFSET;
    }

    /** Reads {@code csum_type}. */
    public static byte csum_type(MemorySegment struct) {
        return struct.get(csum_type$LAYOUT, csum_type$OFFSET);
    }

    /** Writes {@code csum_type}. */
    public static void csum_type(MemorySegment struct, byte value) {
        struct.set(csum_type$LAYOUT, csum_type$OFFSET, value);
    }

    private static final ValueLayout.OfByte tag_size$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("tag_size"));
    private static final long tag_size$OFFSET = $LAYOUT.byteOffset(groupElement("tag_size"));

    /** Layout of {@code tag_size} (u8). */
    public static ValueLayout.OfByte tag_size$layout() {
        return tag_size$LAYOUT;
    }

    /** Byte offset of {@code tag_size}. */
    public static long tag_size$offset() {
        return tag_size$OFFSET;
    }

    /** Reads {@code tag_size}. */
    public static byte tag_size(MemorySegment struct) {
        return struct.get(tag_size$LAYOUT, tag_size$OFFSET);
    }

    /** Writes {@code tag_size}. */
    public static void tag_size(MemorySegment struct, byte value) {
        struct.set(tag_size$LAYOUT, tag_size$OFFSET, value);
    }

    private static final SequenceLayout pad$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("pad"));
    private static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));

    /** Layout of {@code pad[5]}. */
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
