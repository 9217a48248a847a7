package io.ublksnap.ffi;

import io.ublksnap.ffi.c.ublk_param_basic;
import io.ublksnap.ffi.c.ublk_param_devt;
import io.ublksnap.ffi.c.ublk_param_discard;
import io.ublksnap.ffi.c.ublk_params;

import java.lang.foreign.MemorySegment;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;

/**
 * The parts of {@code struct ublk_params} ublksnap uses, as a value. {@code basic} is mandatory for SET_PARAMS;
 * {@code discard} is optional (null: not advertised); {@code devt} is read-only, filled by GET_PARAMS and never sent.
 *
 * <p>{@link #encode} writes the whole struct of the newest known layout with {@code len = sizeof(struct ublk_params)};
 * an older kernel reads only its own (shorter) prefix and ignores {@code types} bits it does not know.
 */
public record UblkParams(Basic basic, Discard discard, Devt devt) {

    /**
     * {@code struct ublk_param_basic}: shifts are log2 of bytes; sizes in 512-byte sectors.
     *
     * @param attrs            {@code UBLK_ATTR_*} (READ_ONLY, ROTATIONAL, VOLATILE_CACHE, FUA)
     * @param logicalBsShift   log2 of the logical block size (9..page shift)
     * @param physicalBsShift  log2 of the physical block size (&ge; logical)
     * @param ioOptShift       log2 of the optimal I/O size
     * @param ioMinShift       log2 of the minimum I/O size
     * @param maxSectors       largest request in sectors (&le; max_io_buf_bytes / 512)
     * @param chunkSectors     boundary requests must not cross, 0 for none
     * @param devSectors       device size in sectors
     * @param virtBoundaryMask segment boundary mask, 0 for none
     */
    public record Basic(int attrs, int logicalBsShift, int physicalBsShift, int ioOptShift, int ioMinShift,
                        int maxSectors, int chunkSectors, long devSectors, long virtBoundaryMask) {

        /** A plain disk of {@code devSectors} sectors with the given block size shifts and request limit. */
        public static Basic of(long devSectors, int logicalBsShift, int physicalBsShift, int maxSectors) {
            return new Basic(0, logicalBsShift, physicalBsShift, physicalBsShift, logicalBsShift, maxSectors, 0,
                    devSectors, 0);
        }

        /** This value with {@code attrs} replaced. */
        public Basic withAttrs(int newAttrs) {
            return new Basic(newAttrs, logicalBsShift, physicalBsShift, ioOptShift, ioMinShift, maxSectors,
                    chunkSectors, devSectors, virtBoundaryMask);
        }
    }

    /**
     * {@code struct ublk_param_discard}; the kernel accepts only {@code maxDiscardSegments == 1} and needs a non-zero
     * granularity.
     */
    public record Discard(int discardAlignment, int discardGranularity, int maxDiscardSectors,
                          int maxWriteZeroesSectors, int maxDiscardSegments) {
    }

    /** {@code struct ublk_param_devt}: device numbers; the disk numbers are 0 until START_DEV. */
    public record Devt(int charMajor, int charMinor, int diskMajor, int diskMinor) {
    }

    /** Parameters to send: {@code basic} and optionally {@code discard}. */
    public static UblkParams of(Basic basic, Discard discard) {
        return new UblkParams(basic, discard, null);
    }

    /** The {@code UBLK_PARAM_TYPE_*} bits of the parts present. */
    public int types() {
        return (basic != null ? UBLK_PARAM_TYPE_BASIC : 0)
                | (discard != null ? UBLK_PARAM_TYPE_DISCARD : 0)
                | (devt != null ? UBLK_PARAM_TYPE_DEVT : 0);
    }

    /**
     * Writes the struct for SET_PARAMS into {@code params} ({@code ublk_params.sizeof()} bytes, zeroed first). The
     * read-only devt part is not sent.
     */
    public void encode(MemorySegment params) {
        params.asSlice(0, ublk_params.sizeof()).fill((byte) 0);
        ublk_params.len(params, (int) ublk_params.sizeof());
        ublk_params.types(params, types() & ~UBLK_PARAM_TYPE_DEVT);
        if (basic != null) {
            MemorySegment b = ublk_params.basic(params);
            ublk_param_basic.attrs(b, basic.attrs());
            ublk_param_basic.logical_bs_shift(b, (byte) basic.logicalBsShift());
            ublk_param_basic.physical_bs_shift(b, (byte) basic.physicalBsShift());
            ublk_param_basic.io_opt_shift(b, (byte) basic.ioOptShift());
            ublk_param_basic.io_min_shift(b, (byte) basic.ioMinShift());
            ublk_param_basic.max_sectors(b, basic.maxSectors());
            ublk_param_basic.chunk_sectors(b, basic.chunkSectors());
            ublk_param_basic.dev_sectors(b, basic.devSectors());
            ublk_param_basic.virt_boundary_mask(b, basic.virtBoundaryMask());
        }
        if (discard != null) {
            MemorySegment d = ublk_params.discard(params);
            ublk_param_discard.discard_alignment(d, discard.discardAlignment());
            ublk_param_discard.discard_granularity(d, discard.discardGranularity());
            ublk_param_discard.max_discard_sectors(d, discard.maxDiscardSectors());
            ublk_param_discard.max_write_zeroes_sectors(d, discard.maxWriteZeroesSectors());
            ublk_param_discard.max_discard_segments(d, (short) discard.maxDiscardSegments());
        }
    }

    /** Reads a {@code struct ublk_params} (as filled by GET_PARAMS); parts absent from {@code types} are null. */
    public static UblkParams decode(MemorySegment params) {
        int types = ublk_params.types(params);
        Basic basic = null;
        Discard discard = null;
        Devt devt = null;
        if ((types & UBLK_PARAM_TYPE_BASIC) != 0) {
            MemorySegment b = ublk_params.basic(params);
            basic = new Basic(ublk_param_basic.attrs(b),
                    Byte.toUnsignedInt(ublk_param_basic.logical_bs_shift(b)),
                    Byte.toUnsignedInt(ublk_param_basic.physical_bs_shift(b)),
                    Byte.toUnsignedInt(ublk_param_basic.io_opt_shift(b)),
                    Byte.toUnsignedInt(ublk_param_basic.io_min_shift(b)),
                    ublk_param_basic.max_sectors(b),
                    ublk_param_basic.chunk_sectors(b),
                    ublk_param_basic.dev_sectors(b),
                    ublk_param_basic.virt_boundary_mask(b));
        }
        if ((types & UBLK_PARAM_TYPE_DISCARD) != 0) {
            MemorySegment d = ublk_params.discard(params);
            discard = new Discard(ublk_param_discard.discard_alignment(d),
                    ublk_param_discard.discard_granularity(d),
                    ublk_param_discard.max_discard_sectors(d),
                    ublk_param_discard.max_write_zeroes_sectors(d),
                    Short.toUnsignedInt(ublk_param_discard.max_discard_segments(d)));
        }
        if ((types & UBLK_PARAM_TYPE_DEVT) != 0) {
            MemorySegment t = ublk_params.devt(params);
            devt = new Devt(ublk_param_devt.char_major(t), ublk_param_devt.char_minor(t),
                    ublk_param_devt.disk_major(t), ublk_param_devt.disk_minor(t));
        }
        return new UblkParams(basic, discard, devt);
    }
}
