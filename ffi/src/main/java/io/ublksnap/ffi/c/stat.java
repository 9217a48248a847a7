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
 * {@code struct stat} of glibc on x86-64 ({@code <bits/struct_stat.h>}), filled by {@code fstat(2)}.
 *
 * <p>Static accessors over a {@link MemorySegment} holding one struct, in the shape jextract generates:
 * {@code layout()}, {@code sizeof()}, and per field {@code <field>$layout()}, {@code <field>$offset()},
 * a getter {@code <field>(segment)} and a setter {@code <field>(segment, value)}. Unsigned C fields are
 * exposed as the Java type of the same width; callers widen with {@code Integer.toUnsignedLong} and friends.
 * {@code ffi/src/test/.../CHeaderProbeTest} compares every offset with {@code offsetof} from the C header.
 */
@SuppressWarnings("unused")
public final class stat {

    private stat() {
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        libc_h.C_LONG_LONG.withName("st_dev"),
        libc_h.C_LONG_LONG.withName("st_ino"),
        libc_h.C_LONG_LONG.withName("st_nlink"),
        libc_h.C_INT.withName("st_mode"),
        libc_h.C_INT.withName("st_uid"),
        libc_h.C_INT.withName("st_gid"),
        libc_h.C_INT.withName("__pad0"),
        libc_h.C_LONG_LONG.withName("st_rdev"),
        libc_h.C_LONG_LONG.withName("st_size"),
        libc_h.C_LONG_LONG.withName("st_blksize"),
        libc_h.C_LONG_LONG.withName("st_blocks"),
        __kernel_timespec.layout().withName("st_atim"),
        __kernel_timespec.layout().withName("st_mtim"),
        __kernel_timespec.layout().withName("st_ctim"),
        MemoryLayout.sequenceLayout(3, libc_h.C_LONG_LONG).withName("__glibc_reserved")
    ).withName("stat");

    /** The layout of the whole struct, field names as in C. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    /** {@code sizeof(struct stat)}. */
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

    private static final ValueLayout.OfLong st_dev$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_dev"));
    private static final long st_dev$OFFSET = $LAYOUT.byteOffset(groupElement("st_dev"));

    /** Layout of {@code st_dev} (u64). */
    public static ValueLayout.OfLong st_dev$layout() {
        return st_dev$LAYOUT;
    }

    /** Byte offset of {@code st_dev}. */
    public static long st_dev$offset() {
        return st_dev$OFFSET;
    }

    /** Reads {@code st_dev}. */
    public static long st_dev(MemorySegment struct) {
        return struct.get(st_dev$LAYOUT, st_dev$OFFSET);
    }

    /** Writes {@code st_dev}. */
    public static void st_dev(MemorySegment struct, long value) {
        struct.set(st_dev$LAYOUT, st_dev$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_ino$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_ino"));
    private static final long st_ino$OFFSET = $LAYOUT.byteOffset(groupElement("st_ino"));

    /** Layout of {@code st_ino} (u64). */
    public static ValueLayout.OfLong st_ino$layout() {
        return st_ino$LAYOUT;
    }

    /** Byte offset of {@code st_ino}. */
    public static long st_ino$offset() {
        return st_ino$OFFSET;
    }

    /** Reads {@code st_ino}. */
    public static long st_ino(MemorySegment struct) {
        return struct.get(st_ino$LAYOUT, st_ino$OFFSET);
    }

    /** Writes {@code st_ino}. */
    public static void st_ino(MemorySegment struct, long value) {
        struct.set(st_ino$LAYOUT, st_ino$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_nlink$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_nlink"));
    private static final long st_nlink$OFFSET = $LAYOUT.byteOffset(groupElement("st_nlink"));

    /** Layout of {@code st_nlink} (u64). */
    public static ValueLayout.OfLong st_nlink$layout() {
        return st_nlink$LAYOUT;
    }

    /** Byte offset of {@code st_nlink}. */
    public static long st_nlink$offset() {
        return st_nlink$OFFSET;
    }

    /** Reads {@code st_nlink}. */
    public static long st_nlink(MemorySegment struct) {
        return struct.get(st_nlink$LAYOUT, st_nlink$OFFSET);
    }

    /** Writes {@code st_nlink}. */
    public static void st_nlink(MemorySegment struct, long value) {
        struct.set(st_nlink$LAYOUT, st_nlink$OFFSET, value);
    }

    private static final ValueLayout.OfInt st_mode$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("st_mode"));
    private static final long st_mode$OFFSET = $LAYOUT.byteOffset(groupElement("st_mode"));

    /** Layout of {@code st_mode} (u32). */
    public static ValueLayout.OfInt st_mode$layout() {
        return st_mode$LAYOUT;
    }

    /** Byte offset of {@code st_mode}. */
    public static long st_mode$offset() {
        return st_mode$OFFSET;
    }

    /** Reads {@code st_mode}. */
    public static int st_mode(MemorySegment struct) {
        return struct.get(st_mode$LAYOUT, st_mode$OFFSET);
    }

    /** Writes {@code st_mode}. */
    public static void st_mode(MemorySegment struct, int value) {
        struct.set(st_mode$LAYOUT, st_mode$OFFSET, value);
    }

    private static final ValueLayout.OfInt st_uid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("st_uid"));
    private static final long st_uid$OFFSET = $LAYOUT.byteOffset(groupElement("st_uid"));

    /** Layout of {@code st_uid} (u32). */
    public static ValueLayout.OfInt st_uid$layout() {
        return st_uid$LAYOUT;
    }

    /** Byte offset of {@code st_uid}. */
    public static long st_uid$offset() {
        return st_uid$OFFSET;
    }

    /** Reads {@code st_uid}. */
    public static int st_uid(MemorySegment struct) {
        return struct.get(st_uid$LAYOUT, st_uid$OFFSET);
    }

    /** Writes {@code st_uid}. */
    public static void st_uid(MemorySegment struct, int value) {
        struct.set(st_uid$LAYOUT, st_uid$OFFSET, value);
    }

    private static final ValueLayout.OfInt st_gid$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("st_gid"));
    private static final long st_gid$OFFSET = $LAYOUT.byteOffset(groupElement("st_gid"));

    /** Layout of {@code st_gid} (u32). */
    public static ValueLayout.OfInt st_gid$layout() {
        return st_gid$LAYOUT;
    }

    /** Byte offset of {@code st_gid}. */
    public static long st_gid$offset() {
        return st_gid$OFFSET;
    }

    /** Reads {@code st_gid}. */
    public static int st_gid(MemorySegment struct) {
        return struct.get(st_gid$LAYOUT, st_gid$OFFSET);
    }

    /** Writes {@code st_gid}. */
    public static void st_gid(MemorySegment struct, int value) {
        struct.set(st_gid$LAYOUT, st_gid$OFFSET, value);
    }

    private static final ValueLayout.OfInt __pad0$LAYOUT = (ValueLayout.OfInt) $LAYOUT.select(groupElement("__pad0"));
    private static final long __pad0$OFFSET = $LAYOUT.byteOffset(groupElement("__pad0"));

    /** Layout of {@code __pad0} (s32). */
    public static ValueLayout.OfInt __pad0$layout() {
        return __pad0$LAYOUT;
    }

    /** Byte offset of {@code __pad0}. */
    public static long __pad0$offset() {
        return __pad0$OFFSET;
    }

    /** Reads {@code __pad0}. */
    public static int __pad0(MemorySegment struct) {
        return struct.get(__pad0$LAYOUT, __pad0$OFFSET);
    }

    /** Writes {@code __pad0}. */
    public static void __pad0(MemorySegment struct, int value) {
        struct.set(__pad0$LAYOUT, __pad0$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_rdev$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_rdev"));
    private static final long st_rdev$OFFSET = $LAYOUT.byteOffset(groupElement("st_rdev"));

    /** Layout of {@code st_rdev} (u64). */
    public static ValueLayout.OfLong st_rdev$layout() {
        return st_rdev$LAYOUT;
    }

    /** Byte offset of {@code st_rdev}. */
    public static long st_rdev$offset() {
        return st_rdev$OFFSET;
    }

    /** Reads {@code st_rdev}. */
    public static long st_rdev(MemorySegment struct) {
        return struct.get(st_rdev$LAYOUT, st_rdev$OFFSET);
    }

    /** Writes {@code st_rdev}. */
    public static void st_rdev(MemorySegment struct, long value) {
        struct.set(st_rdev$LAYOUT, st_rdev$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_size$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_size"));
    private static final long st_size$OFFSET = $LAYOUT.byteOffset(groupElement("st_size"));

    /** Layout of {@code st_size} (s64). */
    public static ValueLayout.OfLong st_size$layout() {
        return st_size$LAYOUT;
    }

    /** Byte offset of {@code st_size}. */
    public static long st_size$offset() {
        return st_size$OFFSET;
    }

    /** Reads {@code st_size}. */
    public static long st_size(MemorySegment struct) {
        return struct.get(st_size$LAYOUT, st_size$OFFSET);
    }

    /** Writes {@code st_size}. */
    public static void st_size(MemorySegment struct, long value) {
        struct.set(st_size$LAYOUT, st_size$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_blksize$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_blksize"));
    private static final long st_blksize$OFFSET = $LAYOUT.byteOffset(groupElement("st_blksize"));

    /** Layout of {@code st_blksize} (s64). */
    public static ValueLayout.OfLong st_blksize$layout() {
        return st_blksize$LAYOUT;
    }

    /** Byte offset of {@code st_blksize}. */
    public static long st_blksize$offset() {
        return st_blksize$OFFSET;
    }

    /** Reads {@code st_blksize}. */
    public static long st_blksize(MemorySegment struct) {
        return struct.get(st_blksize$LAYOUT, st_blksize$OFFSET);
    }

    /** Writes {@code st_blksize}. */
    public static void st_blksize(MemorySegment struct, long value) {
        struct.set(st_blksize$LAYOUT, st_blksize$OFFSET, value);
    }

    private static final ValueLayout.OfLong st_blocks$LAYOUT = (ValueLayout.OfLong) $LAYOUT.select(groupElement("st_blocks"));
    private static final long st_blocks$OFFSET = $LAYOUT.byteOffset(groupElement("st_blocks"));

    /** Layout of {@code st_blocks} (s64). */
    public static ValueLayout.OfLong st_blocks$layout() {
        return st_blocks$LAYOUT;
    }

    /** Byte offset of {@code st_blocks}. */
    public static long st_blocks$offset() {
        return st_blocks$OFFSET;
    }

    /** Reads {@code st_blocks}. */
    public static long st_blocks(MemorySegment struct) {
        return struct.get(st_blocks$LAYOUT, st_blocks$OFFSET);
    }

    /** Writes {@code st_blocks}. */
    public static void st_blocks(MemorySegment struct, long value) {
        struct.set(st_blocks$LAYOUT, st_blocks$OFFSET, value);
    }

    private static final GroupLayout st_atim$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("st_atim"));
    private static final long st_atim$OFFSET = $LAYOUT.byteOffset(groupElement("st_atim"));

    /** Layout of {@code st_atim} ({@link __kernel_timespec}). */
    public static GroupLayout st_atim$layout() {
        return st_atim$LAYOUT;
    }

    /** Byte offset of {@code st_atim}. */
    public static long st_atim$offset() {
        return st_atim$OFFSET;
    }

    /** The nested struct {@code st_atim} as a slice of {@code struct} (writes go through). */
    public static MemorySegment st_atim(MemorySegment struct) {
        return struct.asSlice(st_atim$OFFSET, st_atim$LAYOUT);
    }

    /** Copies {@code value} into {@code st_atim}. */
    public static void st_atim(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, st_atim$OFFSET, st_atim$LAYOUT.byteSize());
    }

    private static final GroupLayout st_mtim$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("st_mtim"));
    private static final long st_mtim$OFFSET = $LAYOUT.byteOffset(groupElement("st_mtim"));

    /** Layout of {@code st_mtim} ({@link __kernel_timespec}). */
    public static GroupLayout st_mtim$layout() {
        return st_mtim$LAYOUT;
    }

    /** Byte offset of {@code st_mtim}. */
    public static long st_mtim$offset() {
        return st_mtim$OFFSET;
    }

    /** The nested struct {@code st_mtim} as a slice of {@code struct} (writes go through). */
    public static MemorySegment st_mtim(MemorySegment struct) {
        return struct.asSlice(st_mtim$OFFSET, st_mtim$LAYOUT);
    }

    /** Copies {@code value} into {@code st_mtim}. */
    public static void st_mtim(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, st_mtim$OFFSET, st_mtim$LAYOUT.byteSize());
    }

    private static final GroupLayout st_ctim$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("st_ctim"));
    private static final long st_ctim$OFFSET = $LAYOUT.byteOffset(groupElement("st_ctim"));

    /** Layout of {@code st_ctim} ({@link __kernel_timespec}). */
    public static GroupLayout st_ctim$layout() {
        return st_ctim$LAYOUT;
    }

    /** Byte offset of {@code st_ctim}. */
    public static long st_ctim$offset() {
        return st_ctim$OFFSET;
    }

    /** The nested struct {@code st_ctim} as a slice of {@code struct} (writes go through). */
    public static MemorySegment st_ctim(MemorySegment struct) {
        return struct.asSlice(st_ctim$OFFSET, st_ctim$LAYOUT);
    }

    /** Copies {@code value} into {@code st_ctim}. */
    public static void st_ctim(MemorySegment struct, MemorySegment value) {
        MemorySegment.copy(value, 0L, struct, st_ctim$OFFSET, st_ctim$LAYOUT.byteSize());
    }

    private static final SequenceLayout __glibc_reserved$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("__glibc_reserved"));
    private static final long __glibc_reserved$OFFSET = $LAYOUT.byteOffset(groupElement("__glibc_reserved"));

    /** Layout of {@code __glibc_reserved[3]}. */
    public static SequenceLayout __glibc_reserved$layout() {
        return __glibc_reserved$LAYOUT;
    }

    /** Byte offset of {@code __glibc_reserved}. */
    public static long __glibc_reserved$offset() {
        return __glibc_reserved$OFFSET;
    }

    /** The array {@code __glibc_reserved} as a slice of {@code struct}. */
    public static MemorySegment __glibc_reserved(MemorySegment struct) {
        return struct.asSlice(__glibc_reserved$OFFSET, __glibc_reserved$LAYOUT);
    }

    /** Reads {@code __glibc_reserved[index]}. */
    public static long __glibc_reserved(MemorySegment struct, long index) {
        return struct.get((ValueLayout.OfLong) __glibc_reserved$LAYOUT.elementLayout(), __glibc_reserved$OFFSET + index * 8);
    }

    /** Writes {@code __glibc_reserved[index]}. */
    public static void __glibc_reserved(MemorySegment struct, long index, long value) {
        struct.set((ValueLayout.OfLong) __glibc_reserved$LAYOUT.elementLayout(), __glibc_reserved$OFFSET + index * 8, value);
    }

}
