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
 * {@code struct ublk_elem_header} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> (Linux 7.0+, {@code UBLK_F_BATCH_IO}): the head of each
 * element of a PREP_IO_CMDS or COMMIT_IO_CMDS array; {@code buf_addr} (u64) follows it with {@code UBLK_BATCH_F_HAS_BUF_ADDR}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_elem_header {

    private ublk_elem_header() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("tag"),
        libc_h.C_SHORT.withName("buf_index"),
        libc_h.C_INT.withName("result")
    ).withName("ublk_elem_header");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_elem_header)}. */
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

    private static final ValueLayout.OfShort tag$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("tag"));
    private static final long tag$OFFSET = $LAYOUT.byteOffset(groupElement("tag"));

    /** Layout of {@code tag} (u16). */
    public static ValueLayout.OfShort tag$layout() {
        return tag$LAYOUT;
    }

    /** Byte offset of {@code tag}. */
    public static long tag$offset() {
        return tag$OFFSET;
    }

    /** Reads {@code tag}. */
    public static short tag(MemorySegment struct) {
        return struct.get(tag$LAYOUT, tag$OFFSET);
    }

    /** Writes {@code tag}. */
    public static void tag(MemorySegment struct, short value) {
        struct.set(tag$LAYOUT, tag$OFFSET, value);
    }

    private static final ValueLayout.OfShort buf_index$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("buf_index"));
    private static final long buf_index$OFFSET = $LAYOUT.byteOffset(groupElement("buf_index"));

    /** Layout of {@code buf_index} (u16). */
    public static ValueLayout.OfShort buf_index$layout() {
        return buf_index$LAYOUT;
    }

    /** Byte offset of {@code buf_index}. */
    public static long buf_index$offset() {
        return buf_index$OFFSET;
    }

    /** Reads {@code buf_index}. */
    public static short buf_index(MemorySegment struct) {
        return struct.get(buf_index$LAYOUT, buf_index$OFFSET);
    }

    /** Writes {@code buf_index}. */
    public static void buf_index(MemorySegment struct, short value) {
        struct.set(buf_index$LAYOUT, buf_index$OFFSET, value);
    }

    private static final ValueLayout.OfInt result$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("result"));
    private static final long result$OFFSET = $LAYOUT.byteOffset(groupElement("result"));

    /** Layout of {@code result} (s32). */
    public static ValueLayout.OfInt result$layout() {
        return result$LAYOUT;
    }

    /** Byte offset of {@code result}. */
    public static long result$offset() {
        return result$OFFSET;
    }

    /** Reads {@code result}. */
    public static int result(MemorySegment struct) {
        return struct.get(result$LAYOUT, result$OFFSET);
    }

    /** Writes {@code result}. */
    public static void result(MemorySegment struct, int value) {
        struct.set(result$LAYOUT, result$OFFSET, value);
    }

}
