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
 * {@code struct ublk_params} from <a href="https://github.com/torvalds/linux/blob/master/include/uapi/linux/ublk_cmd.h">include/uapi/linux/ublk_cmd.h</a>: argument of SET_PARAMS/GET_PARAMS. {@code len} must be set
 * by the caller; a kernel with a shorter struct only reads/writes its own prefix, and {@code types} says which parts
 * are valid.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class ublk_params {

    private ublk_params() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_INT.withName("len"),
        libc_h.C_INT.withName("types"),
        ublk_param_basic.layout().withName("basic"),
        ublk_param_discard.layout().withName("discard"),
        ublk_param_devt.layout().withName("devt"),
        ublk_param_zoned.layout().withName("zoned"),
        ublk_param_dma_align.layout().withName("dma"),
        MemoryLayout.paddingLayout(4),
        ublk_param_segment.layout().withName("seg"),
        ublk_param_integrity.layout().withName("integrity")
    ).withName("ublk_params");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct ublk_params)}. */
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

    private static final ValueLayout.OfInt len$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("len"));
    private static final long len$OFFSET = $LAYOUT.byteOffset(groupElement("len"));

    /** Layout of {@code len} (u32). */
    public static ValueLayout.OfInt len$layout() {
        return len$LAYOUT;
    }

    /** Byte offset of {@code len}. */
    public static long len$offset() {
        return len$OFFSET;
    }

    /** Reads {@code len}. */
    public static int len(MemorySegment struct) {
        return struct.get(len$LAYOUT, len$OFFSET);
    }

    /** Writes {@code len}. */
    public static void len(MemorySegment struct, int value) {
        struct.set(len$LAYOUT, len$OFFSET, value);
    }

    private static final ValueLayout.OfInt types$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("types"));
    private static final long types$OFFSET = $LAYOUT.byteOffset(groupElement("types"));

    /** Layout of {@code types} (u32). */
    public static ValueLayout.OfInt types$layout() {
        return types$LAYOUT;
    }

    /** Byte offset of {@code types}. */
    public static long types$offset() {
        return types$OFFSET;
    }

    /** Reads {@code types}. */
    public static int types(MemorySegment struct) {
        return struct.get(types$LAYOUT, types$OFFSET);
    }

    /** Writes {@code types}. */
    public static void types(MemorySegment struct, int value) {
        struct.set(types$LAYOUT, types$OFFSET, value);
    }

    private static final GroupLayout basic$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("basic"));
    private static final long basic$OFFSET = $LAYOUT.byteOffset(groupElement("basic"));

    /** Layout of {@code basic} ({@link ublk_param_basic}). */
    public static GroupLayout basic$layout() {
        return basic$LAYOUT;
    }

    /** Byte offset of {@code basic}. */
    public static long basic$offset() {
        return basic$OFFSET;
    }

    /** The nested struct {@code basic} as a slice of {@code struct} (writes go through). */
    public static MemorySegment basic(MemorySegment struct) {
        return struct.asSlice(basic$OFFSET, basic$LAYOUT);
    }

    /** Copies {@code value} into {@code basic}. */
    public static void basic(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, basic$OFFSET, basic$LAYOUT.byteSize());
    }

    private static final GroupLayout discard$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("discard"));
    private static final long discard$OFFSET = $LAYOUT.byteOffset(groupElement("discard"));

    /** Layout of {@code discard} ({@link ublk_param_discard}). */
    public static GroupLayout discard$layout() {
        return discard$LAYOUT;
    }

    /** Byte offset of {@code discard}. */
    public static long discard$offset() {
        return discard$OFFSET;
    }

    /** The nested struct {@code discard} as a slice of {@code struct} (writes go through). */
    public static MemorySegment discard(MemorySegment struct) {
        return struct.asSlice(discard$OFFSET, discard$LAYOUT);
    }

    /** Copies {@code value} into {@code discard}. */
    public static void discard(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, discard$OFFSET, discard$LAYOUT.byteSize());
    }

    private static final GroupLayout devt$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("devt"));
    private static final long devt$OFFSET = $LAYOUT.byteOffset(groupElement("devt"));

    /** Layout of {@code devt} ({@link ublk_param_devt}). */
    public static GroupLayout devt$layout() {
        return devt$LAYOUT;
    }

    /** Byte offset of {@code devt}. */
    public static long devt$offset() {
        return devt$OFFSET;
    }

    /** The nested struct {@code devt} as a slice of {@code struct} (writes go through). */
    public static MemorySegment devt(MemorySegment struct) {
        return struct.asSlice(devt$OFFSET, devt$LAYOUT);
    }

    /** Copies {@code value} into {@code devt}. */
    public static void devt(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, devt$OFFSET, devt$LAYOUT.byteSize());
    }

    private static final GroupLayout zoned$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("zoned"));
    private static final long zoned$OFFSET = $LAYOUT.byteOffset(groupElement("zoned"));

    /** Layout of {@code zoned} ({@link ublk_param_zoned}). */
    public static GroupLayout zoned$layout() {
        return zoned$LAYOUT;
    }

    /** Byte offset of {@code zoned}. */
    public static long zoned$offset() {
        return zoned$OFFSET;
    }

    /** The nested struct {@code zoned} as a slice of {@code struct} (writes go through). */
    public static MemorySegment zoned(MemorySegment struct) {
        return struct.asSlice(zoned$OFFSET, zoned$LAYOUT);
    }

    /** Copies {@code value} into {@code zoned}. */
    public static void zoned(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, zoned$OFFSET, zoned$LAYOUT.byteSize());
    }

    private static final GroupLayout dma$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("dma"));
    private static final long dma$OFFSET = $LAYOUT.byteOffset(groupElement("dma"));

    /** Layout of {@code dma} ({@link ublk_param_dma_align}). */
    public static GroupLayout dma$layout() {
        return dma$LAYOUT;
    }

    /** Byte offset of {@code dma}. */
    public static long dma$offset() {
        return dma$OFFSET;
    }

    /** The nested struct {@code dma} as a slice of {@code struct} (writes go through). */
    public static MemorySegment dma(MemorySegment struct) {
        return struct.asSlice(dma$OFFSET, dma$LAYOUT);
    }

    /** Copies {@code value} into {@code dma}. */
    public static void dma(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, dma$OFFSET, dma$LAYOUT.byteSize());
    }

    private static final GroupLayout seg$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("seg"));
    private static final long seg$OFFSET = $LAYOUT.byteOffset(groupElement("seg"));

    /** Layout of {@code seg} ({@link ublk_param_segment}). */
    public static GroupLayout seg$layout() {
        return seg$LAYOUT;
    }

    /** Byte offset of {@code seg}. */
    public static long seg$offset() {
        return seg$OFFSET;
    }

    /** The nested struct {@code seg} as a slice of {@code struct} (writes go through). */
    public static MemorySegment seg(MemorySegment struct) {
        return struct.asSlice(seg$OFFSET, seg$LAYOUT);
    }

    /** Copies {@code value} into {@code seg}. */
    public static void seg(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, seg$OFFSET, seg$LAYOUT.byteSize());
    }

    private static final GroupLayout integrity$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("integrity"));
    private static final long integrity$OFFSET = $LAYOUT.byteOffset(groupElement("integrity"));

    /** Layout of {@code integrity} ({@link ublk_param_integrity}). */
    public static GroupLayout integrity$layout() {
        return integrity$LAYOUT;
    }

    /** Byte offset of {@code integrity}. */
    public static long integrity$offset() {
        return integrity$OFFSET;
    }

    /** The nested struct {@code integrity} as a slice of {@code struct} (writes go through). */
    public static MemorySegment integrity(MemorySegment struct) {
        return struct.asSlice(integrity$OFFSET, integrity$LAYOUT);
    }

    /** Copies {@code value} into {@code integrity}. */
    public static void integrity(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, integrity$OFFSET, integrity$LAYOUT.byteSize());
    }

}
