package io.ublksnap.ffi.c;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct iovec} from {@code <sys/uio.h>}: one buffer of a vector, also the unit of
 * {@code io_uring_register_buffers}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class iovec {

    private iovec() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_POINTER.withName("iov_base"),
        libc_h.C_LONG.withName("iov_len")
    ).withName("iovec");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct iovec)}. */
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

    private static final AddressLayout iov_base$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("iov_base"));
    private static final long iov_base$OFFSET = $LAYOUT.byteOffset(groupElement("iov_base"));

    /** Layout of {@code iov_base} (ptr). */
    public static AddressLayout iov_base$layout() {
        return iov_base$LAYOUT;
    }

    /** Byte offset of {@code iov_base}. */
    public static long iov_base$offset() {
        return iov_base$OFFSET;
    }

    /** Reads {@code iov_base}. */
    public static MemorySegment iov_base(MemorySegment struct) {
        return struct.get(iov_base$LAYOUT, iov_base$OFFSET);
    }

    /** Writes {@code iov_base}. */
    public static void iov_base(MemorySegment struct, MemorySegment value) {
        struct.set(iov_base$LAYOUT, iov_base$OFFSET, value);
    }

    private static final ValueLayout.OfLong iov_len$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("iov_len"));
    private static final long iov_len$OFFSET = $LAYOUT.byteOffset(groupElement("iov_len"));

    /** Layout of {@code iov_len} (size_t). */
    public static ValueLayout.OfLong iov_len$layout() {
        return iov_len$LAYOUT;
    }

    /** Byte offset of {@code iov_len}. */
    public static long iov_len$offset() {
        return iov_len$OFFSET;
    }

    /** Reads {@code iov_len}. */
    public static long iov_len(MemorySegment struct) {
        return struct.get(iov_len$LAYOUT, iov_len$OFFSET);
    }

    /** Writes {@code iov_len}. */
    public static void iov_len(MemorySegment struct, long value) {
        struct.set(iov_len$LAYOUT, iov_len$OFFSET, value);
    }

}
