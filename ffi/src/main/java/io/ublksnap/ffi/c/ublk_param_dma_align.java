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
 * {@code struct ublk_param_dma_align} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> ({@code UBLK_PARAM_TYPE_DMA_ALIGN}).
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_param_dma_align {

    private ublk_param_dma_align() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("alignment"),
        MemoryLayout.sequenceLayout(4, libc_h.C_CHAR).withName("pad")
    ).withName("ublk_param_dma_align");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_param_dma_align)}. */
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

    private static final ValueLayout.OfInt alignment$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("alignment"));
    private static final long alignment$OFFSET = $LAYOUT.byteOffset(groupElement("alignment"));

    /** Layout of {@code alignment} (u32). */
    public static ValueLayout.OfInt alignment$layout() {
        return alignment$LAYOUT;
    }

    /** Byte offset of {@code alignment}. */
    public static long alignment$offset() {
        return alignment$OFFSET;
    }

    /** Reads {@code alignment}. */
    public static int alignment(MemorySegment struct) {
        return struct.get(alignment$LAYOUT, alignment$OFFSET);
    }

    /** Writes {@code alignment}. */
    public static void alignment(MemorySegment struct, int value) {
        struct.set(alignment$LAYOUT, alignment$OFFSET, value);
    }

    private static final SequenceLayout pad$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("pad"));
    private static final long pad$OFFSET = $LAYOUT.byteOffset(groupElement("pad"));

    /** Layout of {@code pad[4]}. */
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
