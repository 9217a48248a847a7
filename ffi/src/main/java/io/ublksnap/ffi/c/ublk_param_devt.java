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
 * {@code struct ublk_param_devt} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_DEVT}, read-only): the
 * character and block device numbers.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_devt {

    private ublk_param_devt() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("char_major"),
        libc_h.C_INT.withName("char_minor"),
        libc_h.C_INT.withName("disk_major"),
        libc_h.C_INT.withName("disk_minor")
    ).withName("ublk_param_devt");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_devt)}. */
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

    private static final ValueLayout.OfInt char_major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("char_major"));
    private static final long char_major$OFFSET = $LAYOUT.byteOffset(groupElement("char_major"));

    /** Layout of {@code char_major} (u32). */
    public static ValueLayout.OfInt char_major$layout() {
        return char_major$LAYOUT;
    }

    /** Byte offset of {@code char_major}. */
    public static long char_major$offset() {
        return char_major$OFFSET;
    }

    /** Reads {@code char_major}. */
    public static int char_major(MemorySegment struct) {
        return struct.get(char_major$LAYOUT, char_major$OFFSET);
    }

    /** Writes {@code char_major}. */
    public static void char_major(MemorySegment struct, int value) {
        struct.set(char_major$LAYOUT, char_major$OFFSET, value);
    }

    private static final ValueLayout.OfInt char_minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("char_minor"));
    private static final long char_minor$OFFSET = $LAYOUT.byteOffset(groupElement("char_minor"));

    /** Layout of {@code char_minor} (u32). */
    public static ValueLayout.OfInt char_minor$layout() {
        return char_minor$LAYOUT;
    }

    /** Byte offset of {@code char_minor}. */
    public static long char_minor$offset() {
        return char_minor$OFFSET;
    }

    /** Reads {@code char_minor}. */
    public static int char_minor(MemorySegment struct) {
        return struct.get(char_minor$LAYOUT, char_minor$OFFSET);
    }

    /** Writes {@code char_minor}. */
    public static void char_minor(MemorySegment struct, int value) {
        struct.set(char_minor$LAYOUT, char_minor$OFFSET, value);
    }

    private static final ValueLayout.OfInt disk_major$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("disk_major"));
    private static final long disk_major$OFFSET = $LAYOUT.byteOffset(groupElement("disk_major"));

    /** Layout of {@code disk_major} (u32). */
    public static ValueLayout.OfInt disk_major$layout() {
        return disk_major$LAYOUT;
    }

    /** Byte offset of {@code disk_major}. */
    public static long disk_major$offset() {
        return disk_major$OFFSET;
    }

    /** Reads {@code disk_major}. */
    public static int disk_major(MemorySegment struct) {
        return struct.get(disk_major$LAYOUT, disk_major$OFFSET);
    }

    /** Writes {@code disk_major}. */
    public static void disk_major(MemorySegment struct, int value) {
        struct.set(disk_major$LAYOUT, disk_major$OFFSET, value);
    }

    private static final ValueLayout.OfInt disk_minor$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("disk_minor"));
    private static final long disk_minor$OFFSET = $LAYOUT.byteOffset(groupElement("disk_minor"));

    /** Layout of {@code disk_minor} (u32). */
    public static ValueLayout.OfInt disk_minor$layout() {
        return disk_minor$LAYOUT;
    }

    /** Byte offset of {@code disk_minor}. */
    public static long disk_minor$offset() {
        return disk_minor$OFFSET;
    }

    /** Reads {@code disk_minor}. */
    public static int disk_minor(MemorySegment struct) {
        return struct.get(disk_minor$LAYOUT, disk_minor$OFFSET);
    }

    /** Writes {@code disk_minor}. */
    public static void disk_minor(MemorySegment struct, int value) {
        struct.set(disk_minor$LAYOUT, disk_minor$OFFSET, value);
    }

}
