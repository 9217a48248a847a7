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
 * {@code struct ublk_auto_buf_reg} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a> (Linux 6.16+, {@code UBLK_F_AUTO_BUF_REG}): where
 * the driver registers a request's buffer in the sparse buffer table; passed packed into {@code ublksrv_io_cmd.addr}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_auto_buf_reg {

    private ublk_auto_buf_reg() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("index"),
        libc_h.C_CHAR.withName("flags"),
        libc_h.C_CHAR.withName("reserved0"),
        libc_h.C_INT.withName("reserved1")
    ).withName("ublk_auto_buf_reg");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_auto_buf_reg)}. */
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

    private static final ValueLayout.OfShort index$LAYOUT = (ValueLayout.OfShort) $LAYOUT.select(groupElement("index"));
    private static final long index$OFFSET = $LAYOUT.byteOffset(groupElement("index"));

    /** Layout of {@code index} (u16). */
    public static ValueLayout.OfShort index$layout() {
        return index$LAYOUT;
    }

    /** Byte offset of {@code index}. */
    public static long index$offset() {
        return index$OFFSET;
    }

    /** Reads {@code index}. */
    public static short index(MemorySegment struct) {
        return struct.get(index$LAYOUT, index$OFFSET);
    }

    /** Writes {@code index}. */
    public static void index(MemorySegment struct, short value) {
        struct.set(index$LAYOUT, index$OFFSET, value);
    }

    private static final ValueLayout.OfByte flags$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("flags"));
    private static final long flags$OFFSET = $LAYOUT.byteOffset(groupElement("flags"));

    /** Layout of {@code flags} (u8). */
    public static ValueLayout.OfByte flags$layout() {
        return flags$LAYOUT;
    }

    /** Byte offset of {@code flags}. */
    public static long flags$offset() {
        return flags$OFFSET;
    }

    /** Reads {@code flags}. */
    public static byte flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    /** Writes {@code flags}. */
    public static void flags(MemorySegment struct, byte value) {
        struct.set(flags$LAYOUT, flags$OFFSET, value);
    }

    private static final ValueLayout.OfByte reserved0$LAYOUT = (ValueLayout.OfByte) $LAYOUT.select(groupElement("reserved0"));
    private static final long reserved0$OFFSET = $LAYOUT.byteOffset(groupElement("reserved0"));

    /** Layout of {@code reserved0} (u8). */
    public static ValueLayout.OfByte reserved0$layout() {
        return reserved0$LAYOUT;
    }

    /** Byte offset of {@code reserved0}. */
    public static long reserved0$offset() {
        return reserved0$OFFSET;
    }

    /** Reads {@code reserved0}. */
    public static byte reserved0(MemorySegment struct) {
        return struct.get(reserved0$LAYOUT, reserved0$OFFSET);
    }

    /** Writes {@code reserved0}. */
    public static void reserved0(MemorySegment struct, byte value) {
        struct.set(reserved0$LAYOUT, reserved0$OFFSET, value);
    }

    private static final ValueLayout.OfInt reserved1$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("reserved1"));
    private static final long reserved1$OFFSET = $LAYOUT.byteOffset(groupElement("reserved1"));

    /** Layout of {@code reserved1} (u32). */
    public static ValueLayout.OfInt reserved1$layout() {
        return reserved1$LAYOUT;
    }

    /** Byte offset of {@code reserved1}. */
    public static long reserved1$offset() {
        return reserved1$OFFSET;
    }

    /** Reads {@code reserved1}. */
    public static int reserved1(MemorySegment struct) {
        return struct.get(reserved1$LAYOUT, reserved1$OFFSET);
    }

    /** Writes {@code reserved1}. */
    public static void reserved1(MemorySegment struct, int value) {
        struct.set(reserved1$LAYOUT, reserved1$OFFSET, value);
    }

}
