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
 * {@code struct ublksrv_io_cmd} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: the 16-byte data-plane command (FETCH_REQ,
 * COMMIT_AND_FETCH_REQ, NEED_GET_DATA) carried at SQE byte 48.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublksrv_io_cmd {

    private ublksrv_io_cmd() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("q_id"),
        libc_h.C_SHORT.withName("tag"),
        libc_h.C_INT.withName("result"),
        MemoryLayout.unionLayout(
            libc_h.C_LONG_LONG.withName("addr"),
            libc_h.C_LONG_LONG.withName("zone_append_lba")
        ).withName("$anon0")
    ).withName("ublksrv_io_cmd");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublksrv_io_cmd)}. */
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

    private static final ValueLayout.OfLong addr$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon0"), groupElement("addr"));
    private static final long addr$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("addr"));

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

    private static final ValueLayout.OfLong zone_append_lba$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("$anon0"), groupElement("zone_append_lba"));
    private static final long zone_append_lba$OFFSET = $LAYOUT.byteOffset(groupElement("$anon0"), groupElement("zone_append_lba"));

    /** Layout of {@code zone_append_lba} (u64). */
    public static ValueLayout.OfLong zone_append_lba$layout() {
        return zone_append_lba$LAYOUT;
    }

    /** Byte offset of {@code zone_append_lba}. */
    public static long zone_append_lba$offset() {
        return zone_append_lba$OFFSET;
    }

    /** Reads {@code zone_append_lba}. */
    public static long zone_append_lba(MemorySegment struct) {
        return struct.get(zone_append_lba$LAYOUT, zone_append_lba$OFFSET);
    }

    /** Writes {@code zone_append_lba}. */
    public static void zone_append_lba(MemorySegment struct, long value) {
        struct.set(zone_append_lba$LAYOUT, zone_append_lba$OFFSET, value);
    }

}
