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
 * {@code struct ublk_batch_io} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> (Linux 7.0+, {@code UBLK_F_BATCH_IO}): the 16-byte
 * payload of PREP_IO_CMDS, COMMIT_IO_CMDS and FETCH_IO_CMDS, in the command area of a 64-byte SQE.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_batch_io {

    private ublk_batch_io() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("q_id"),
        libc_h.C_SHORT.withName("flags"),
        libc_h.C_SHORT.withName("nr_elem"),
        libc_h.C_CHAR.withName("elem_bytes"),
        libc_h.C_CHAR.withName("reserved"),
        libc_h.C_LONG_LONG.withName("reserved2")
    ).withName("ublk_batch_io");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_batch_io)}. */
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

    private static final ValueLayout.OfShort q_id$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("q_id"));
    private static final long q_id$OFFSET = $LAYOUT.byteOffset(groupElement("q_id"));

    /** Layout of {@code q_id} (u16). */
    public static ValueLayout.OfShort q_id$layout() {
        return q_id$LAYOUT;
    }

    /** Byte offset of {@code q_id}. */
    public static long q_id$offset() {
        return q_id$OFFSET;
    }

    /** Reads {@code q_id}. */
    public static short q_id(MemorySegment struct) {
        return struct.get(q_id$LAYOUT, q_id$OFFSET);
    }

    /** Writes {@code q_id}. */
    public static void q_id(MemorySegment struct, short value) {
        struct.set(q_id$LAYOUT, q_id$OFFSET, value);
    }

    private static final ValueLayout.OfShort flags$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u16). */
    public static ValueLayout.OfShort flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static short flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, short value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final ValueLayout.OfShort nr_elem$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("nr_elem"));
    private static final long nr_elem$OFFSET = $LAYOUT.byteOffset(groupElement("nr_elem"));

    /** Layout of {@code nr_elem} (u16). */
    public static ValueLayout.OfShort nr_elem$layout() {
        return nr_elem$LAYOUT;
    }

    /** Byte offset of {@code nr_elem}. */
    public static long nr_elem$offset() {
        return nr_elem$OFFSET;
    }

    /** Reads {@code nr_elem}. */
    public static short nr_elem(MemorySegment struct) {
        return struct.get(nr_elem$LAYOUT, nr_elem$OFFSET);
    }

    /** Writes {@code nr_elem}. */
    public static void nr_elem(MemorySegment struct, short value) {
        struct.set(nr_elem$LAYOUT, nr_elem$OFFSET, value);
    }

    private static final ValueLayout.OfByte elem_bytes$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("elem_bytes"));
    private static final long elem_bytes$OFFSET = $LAYOUT.byteOffset(groupElement("elem_bytes"));

    /** Layout of {@code elem_bytes} (u8). */
    public static ValueLayout.OfByte elem_bytes$layout() {
        return elem_bytes$LAYOUT;
    }

    /** Byte offset of {@code elem_bytes}. */
    public static long elem_bytes$offset() {
        return elem_bytes$OFFSET;
    }

    /** Reads {@code elem_bytes}. */
    public static byte elem_bytes(MemorySegment struct) {
        return struct.get(elem_bytes$LAYOUT, elem_bytes$OFFSET);
    }

    /** Writes {@code elem_bytes}. */
    public static void elem_bytes(MemorySegment struct, byte value) {
        struct.set(elem_bytes$LAYOUT, elem_bytes$OFFSET, value);
    }

    private static final ValueLayout.OfByte reserved$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("reserved"));
    private static final long reserved$OFFSET = $LAYOUT.byteOffset(groupElement("reserved"));

    /** Layout of {@code reserved} (u8). */
    public static ValueLayout.OfByte reserved$layout() {
        return reserved$LAYOUT;
    }

    /** Byte offset of {@code reserved}. */
    public static long reserved$offset() {
        return reserved$OFFSET;
    }

    /** Reads {@code reserved}. */
    public static byte reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    /** Writes {@code reserved}. */
    public static void reserved(MemorySegment struct, byte value) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, value);
    }

    private static final ValueLayout.OfLong reserved2$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("reserved2"));
    private static final long reserved2$OFFSET = $LAYOUT.byteOffset(groupElement("reserved2"));

    /** Layout of {@code reserved2} (u64). */
    public static ValueLayout.OfLong reserved2$layout() {
        return reserved2$LAYOUT;
    }

    /** Byte offset of {@code reserved2}. */
    public static long reserved2$offset() {
        return reserved2$OFFSET;
    }

    /** Reads {@code reserved2}. */
    public static long reserved2(MemorySegment struct) {
        return struct.get(reserved2$LAYOUT, reserved2$OFFSET);
    }

    /** Writes {@code reserved2}. */
    public static void reserved2(MemorySegment struct, long value) {
        struct.set(reserved2$LAYOUT, reserved2$OFFSET, value);
    }

}
