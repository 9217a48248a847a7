package io.ublksnap.ffi.c;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct sockaddr_un} from {@code <sys/un.h>}: the address of a Unix domain socket, a path or (first byte of
 * {@code sun_path} zero) a name in the abstract namespace.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter and a setter (for the array, a slice). {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with
 * {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class sockaddr_un {

    private sockaddr_un() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_SHORT.withName("sun_family"),
        MemoryLayout.sequenceLayout(108, libc_h.C_CHAR).withName("sun_path")
    ).withName("sockaddr_un");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct sockaddr_un)}. */
    public static long sizeof() {
        return $LAYOUT.byteSize();
    }

    /** Allocates one zeroed struct. */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate($LAYOUT);
    }

    private static final ValueLayout.OfShort sun_family$LAYOUT =
            (ValueLayout.OfShort) $LAYOUT.select(groupElement("sun_family"));
    private static final long sun_family$OFFSET = $LAYOUT.byteOffset(groupElement("sun_family"));

    /** Layout of {@code sun_family} (sa_family_t, u16). */
    public static ValueLayout.OfShort sun_family$layout() {
        return sun_family$LAYOUT;
    }

    /** Byte offset of {@code sun_family}. */
    public static long sun_family$offset() {
        return sun_family$OFFSET;
    }

    /** Reads {@code sun_family}. */
    public static short sun_family(MemorySegment struct) {
        return struct.get(sun_family$LAYOUT, sun_family$OFFSET);
    }

    /** Writes {@code sun_family}. */
    public static void sun_family(MemorySegment struct, short value) {
        struct.set(sun_family$LAYOUT, sun_family$OFFSET, value);
    }

    private static final SequenceLayout sun_path$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("sun_path"));
    private static final long sun_path$OFFSET = $LAYOUT.byteOffset(groupElement("sun_path"));

    /** Layout of {@code sun_path} (char[108]). */
    public static SequenceLayout sun_path$layout() {
        return sun_path$LAYOUT;
    }

    /** Byte offset of {@code sun_path}. */
    public static long sun_path$offset() {
        return sun_path$OFFSET;
    }

    /** {@code sun_path} as a slice of the struct (108 bytes). */
    public static MemorySegment sun_path(MemorySegment struct) {
        return struct.asSlice(sun_path$OFFSET, sun_path$LAYOUT.byteSize());
    }
}
