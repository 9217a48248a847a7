package io.ublksnap.ffi;

import io.ublksnap.ffi.c.io_uring;
import io.ublksnap.ffi.c.io_uring_cqe;
import io.ublksnap.ffi.c.io_uring_sq;
import io.ublksnap.ffi.c.io_uring_sqe;
import io.ublksnap.ffi.c.ublk_auto_buf_reg;
import io.ublksnap.ffi.c.ublk_params;
import io.ublksnap.ffi.c.ublksrv_ctrl_cmd;
import io.ublksnap.ffi.c.ublksrv_ctrl_dev_info;
import io.ublksnap.ffi.c.ublksrv_io_cmd;
import io.ublksnap.ffi.c.ublksrv_io_desc;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static io.ublksnap.ffi.c.ublk_cmd_h.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Layout facts the rest of ublksnap relies on (the C probe test checks all fields; these pin the ones the protocol
 * descriptions quote), the ioctl command numbers, and the encode/decode of the Java records.
 */
class BindingsLayoutTest {

    @Test
    void sqeAndCqeOffsetsAreTheKernelAbi() {
        assertEquals(64, io_uring_sqe.sizeof());
        assertEquals(0, io_uring_sqe.opcode$offset());
        assertEquals(1, io_uring_sqe.flags$offset());
        assertEquals(2, io_uring_sqe.ioprio$offset());
        assertEquals(4, io_uring_sqe.fd$offset());
        assertEquals(8, io_uring_sqe.off$offset());
        assertEquals(8, io_uring_sqe.cmd_op$offset(), "cmd_op shares the off union");
        assertEquals(16, io_uring_sqe.addr$offset());
        assertEquals(24, io_uring_sqe.len$offset());
        assertEquals(28, io_uring_sqe.rw_flags$offset());
        assertEquals(28, io_uring_sqe.uring_cmd_flags$offset());
        assertEquals(32, io_uring_sqe.user_data$offset());
        assertEquals(40, io_uring_sqe.buf_index$offset());
        assertEquals(42, io_uring_sqe.personality$offset());
        assertEquals(44, io_uring_sqe.file_index$offset());
        assertEquals(48, io_uring_sqe.addr3$offset());
        assertEquals(48, io_uring_sqe.cmd$offset(), "URING_CMD payload starts at byte 48");
        assertEquals(16, io_uring_cqe.sizeof());
        assertEquals(8, io_uring_cqe.res$offset());
        assertEquals(12, io_uring_cqe.flags$offset());
        assertEquals(216, io_uring.sizeof(), "liburing 2.3 struct io_uring");
        assertEquals(68, io_uring_sq.sqe_tail$offset());
    }

    @Test
    void ublkStructSizes() {
        assertEquals(32, ublksrv_ctrl_cmd.sizeof());
        assertEquals(16, ublksrv_ctrl_cmd.data$offset());
        assertEquals(24, ublksrv_ctrl_cmd.dev_path_len$offset());
        assertEquals(64, ublksrv_ctrl_dev_info.sizeof());
        assertEquals(24, ublksrv_ctrl_dev_info.flags$offset());
        assertEquals(40, ublksrv_ctrl_dev_info.owner_uid$offset());
        assertEquals(24, ublksrv_io_desc.sizeof());
        assertEquals(16, ublksrv_io_cmd.sizeof());
        assertEquals(8, ublksrv_io_cmd.addr$offset());
        assertEquals(8, ublk_auto_buf_reg.sizeof());
        assertEquals(8, ublk_params.basic$offset());
        assertEquals(40, ublk_params.discard$offset());
        assertEquals(60, ublk_params.devt$offset());
        assertEquals(76, ublk_params.zoned$offset());
        assertEquals(108, ublk_params.dma$offset());
        assertEquals(120, ublk_params.seg$offset());
        assertEquals(152, ublk_params.sizeof());
    }

    @Test
    void ioctlEncodedCommandNumbers() {
        assertEquals(0x80207501, UBLK_U_CMD_GET_QUEUE_AFFINITY);
        assertEquals(0x80207502, UBLK_U_CMD_GET_DEV_INFO);
        assertEquals(0xc0207504, UBLK_U_CMD_ADD_DEV);
        assertEquals(0xc0207505, UBLK_U_CMD_DEL_DEV);
        assertEquals(0xc0207506, UBLK_U_CMD_START_DEV);
        assertEquals(0xc0207507, UBLK_U_CMD_STOP_DEV);
        assertEquals(0xc0207508, UBLK_U_CMD_SET_PARAMS);
        assertEquals(0x80207509, UBLK_U_CMD_GET_PARAMS);
        assertEquals(0xc0207510, UBLK_U_CMD_START_USER_RECOVERY);
        assertEquals(0xc0207511, UBLK_U_CMD_END_USER_RECOVERY);
        assertEquals(0x80207512, UBLK_U_CMD_GET_DEV_INFO2);
        assertEquals(0x80207513, UBLK_U_CMD_GET_FEATURES);
        assertEquals(0x80207514, UBLK_U_CMD_DEL_DEV_ASYNC);
        assertEquals(0xc0207515, UBLK_U_CMD_UPDATE_SIZE);
        assertEquals(0xc0207516, UBLK_U_CMD_QUIESCE_DEV);
        assertEquals(0xc0107520, UBLK_U_IO_FETCH_REQ);
        assertEquals(0xc0107521, UBLK_U_IO_COMMIT_AND_FETCH_REQ);
        assertEquals(0xc0107522, UBLK_U_IO_NEED_GET_DATA);
        assertEquals(0xc0107523, UBLK_U_IO_REGISTER_IO_BUF);
        assertEquals(0xc0107524, UBLK_U_IO_UNREGISTER_IO_BUF);
        assertEquals(UBLK_CMD_ADD_DEV, _IOC_NR(UBLK_U_CMD_ADD_DEV));
        assertEquals('u', _IOC_TYPE(UBLK_U_CMD_ADD_DEV));
        assertEquals(0, _IOC_TYPE(UBLK_CMD_ADD_DEV));
    }

    @Test
    void encodingFollowsTheDeviceFlags() {
        assertEquals(UblkCmdEncoding.IOCTL, UblkCmdEncoding.forDeviceFlags(UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_COPY));
        assertEquals(UblkCmdEncoding.LEGACY, UblkCmdEncoding.forDeviceFlags(UBLK_F_USER_RECOVERY));
        assertEquals(UBLK_U_IO_FETCH_REQ, UblkCmdEncoding.IOCTL.fetchReq());
        assertEquals(UBLK_IO_FETCH_REQ, UblkCmdEncoding.LEGACY.fetchReq());
        assertEquals(UBLK_IO_COMMIT_AND_FETCH_REQ, UblkCmdEncoding.LEGACY.commitAndFetchReq());
        assertEquals(UBLK_U_IO_NEED_GET_DATA, UblkCmdEncoding.IOCTL.needGetData());
    }

    @Test
    void featureNames() {
        assertEquals(List.of("URING_CMD_COMP_IN_TASK", "CMD_IOCTL_ENCODE"), UblkFeatures.names(0x42));
        assertEquals(List.of("USER_COPY", "bit40", "bit63"),
                UblkFeatures.names(UBLK_F_USER_COPY | (1L << 40) | (1L << 63)));
        assertEquals(List.of(), UblkFeatures.names(0));
        assertEquals("0x1fe [URING_CMD_COMP_IN_TASK, NEED_GET_DATA, USER_RECOVERY, USER_RECOVERY_REISSUE, "
                + "UNPRIVILEGED_DEV, CMD_IOCTL_ENCODE, USER_COPY, ZONED]", UblkFeatures.describe(0x1fe));
        long all = 0;
        for (UblkFeatures.Flag f : UblkFeatures.ALL) {
            assertEquals(1, Long.bitCount(f.mask()), f.name());
            assertEquals(0, all & f.mask(), "duplicate bit " + f.name());
            all |= f.mask();
        }
        assertEquals((1L << 21) - 1, all, "bits 0..20 all named");
        assertTrue(UblkFeatures.has(0x42, UBLK_F_CMD_IOCTL_ENCODE));
        assertFalse(UblkFeatures.has(0x42, UBLK_F_USER_COPY));
    }

    @Test
    void devInfoRoundTripsThroughTheCLayout() {
        DevInfo info = new DevInfo(4, 128, UBLK_S_DEV_LIVE, 1 << 20, 7, 4242,
                UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_USER_RECOVERY, 0x1234_5678_9abcL, 1000, 1001);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = ublksrv_ctrl_dev_info.allocate(arena);
            seg.fill((byte) 0x77);
            info.encode(seg);
            assertEquals(0, ublksrv_ctrl_dev_info.reserved1(seg), "reserved fields are zeroed");
            assertEquals(0, ublksrv_ctrl_dev_info.io_desc_size(seg));
            assertEquals(7, seg.get(ValueLayout.JAVA_INT, 12), "dev_id at byte 12");
            assertEquals(info, DevInfo.decode(seg));
        }
        DevInfo any = DevInfo.forAdd(DevInfo.ANY_DEV_ID, 1, 16, 512 * 1024, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = ublksrv_ctrl_dev_info.allocate(arena);
            any.encode(seg);
            assertEquals(0xffff_ffffL, Integer.toUnsignedLong(ublksrv_ctrl_dev_info.dev_id(seg)), "(u32) -1");
        }
        assertEquals("/dev/ublkc7", info.charDevicePath());
        assertEquals("/dev/ublkb7", info.blockDevicePath());
        assertEquals(UblkCmdEncoding.IOCTL, info.encoding());
        // unsigned 16-bit fields survive values above Short.MAX_VALUE
        DevInfo wide = new DevInfo(65535, 40000, 0, 0, 0, -1, 0, 0, 0, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = ublksrv_ctrl_dev_info.allocate(arena);
            wide.encode(seg);
            assertEquals(wide, DevInfo.decode(seg));
        }
    }

    @Test
    void paramsRoundTripAndTypes() {
        UblkParams p = UblkParams.of(
                new UblkParams.Basic(UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA, 9, 12, 16, 12, 1024, 256,
                        (1L << 40) + 3, 0xfff),
                new UblkParams.Discard(4096, 65536, 8192, 4096, 1));
        assertEquals(UBLK_PARAM_TYPE_BASIC | UBLK_PARAM_TYPE_DISCARD, p.types());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = ublk_params.allocate(arena);
            seg.fill((byte) 0x55);
            p.encode(seg);
            assertEquals((int) ublk_params.sizeof(), ublk_params.len(seg));
            assertEquals(p, UblkParams.decode(seg));
            assertEquals(0, seg.get(ValueLayout.JAVA_INT, ublk_params.devt$offset()), "devt is never sent");

            // what GET_PARAMS returns: the kernel adds the devt part
            ublk_params.types(seg, ublk_params.types(seg) | UBLK_PARAM_TYPE_DEVT);
            seg.set(ValueLayout.JAVA_INT, ublk_params.devt$offset(), 245);
            seg.set(ValueLayout.JAVA_INT, ublk_params.devt$offset() + 4, 3);
            UblkParams back = UblkParams.decode(seg);
            assertEquals(new UblkParams.Devt(245, 3, 0, 0), back.devt());
            assertEquals(p.basic(), back.basic());

            UblkParams devtOnly = new UblkParams(p.basic(), null, back.devt());
            devtOnly.encode(seg);
            assertEquals(UBLK_PARAM_TYPE_BASIC, ublk_params.types(seg), "devt is read-only");
            assertNull(UblkParams.decode(seg).discard());
        }
        UblkParams.Basic b = UblkParams.Basic.of(2048, 9, 12, 1024);
        assertEquals(9, b.logicalBsShift());
        assertEquals(12, b.physicalBsShift());
        assertEquals(UBLK_ATTR_READ_ONLY, b.withAttrs(UBLK_ATTR_READ_ONLY).attrs());
    }

    @Test
    void descriptorAndUserCopyOffsets() {
        long page = Libc.pageSize();
        long perQueue = NativeMemory.roundUp(UBLK_MAX_QUEUE_DEPTH * 24L, page);
        assertEquals(0, UblkIo.descriptorsOffset(0));
        assertEquals(perQueue, UblkIo.descriptorsOffset(1));
        assertEquals(3 * perQueue, UblkIo.descriptorsOffset(3));
        if (page == 4096) {
            assertEquals(98304, UblkIo.descriptorsOffset(1), "24 pages per queue with 4 KiB pages");
        }
        assertEquals(page, UblkIo.descriptorsLength(16));
        assertEquals(NativeMemory.roundUp(4096 * 24L, page), UblkIo.descriptorsLength(4096));
        assertEquals(24, UblkIo.DESCRIPTOR_SIZE);

        assertEquals(UBLKSRV_IO_BUF_OFFSET, UblkIo.userCopyOffset(0, 0, 0));
        assertEquals(UBLKSRV_IO_BUF_OFFSET + (2L << 41) + (5L << 25) + 512, UblkIo.userCopyOffset(2, 5, 512));
        assertEquals(0x0003_0007L, UblkIo.autoBufReg(7, 3));
        assertEquals(0xffffL, UblkIo.autoBufReg(0xffff, 0));
    }

    @Test
    void descriptorAccessorsReadTheCLayout() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment descs = ublksrv_io_desc.allocateArray(4, arena);
            MemorySegment d = ublksrv_io_desc.asSlice(descs, 2);
            ublksrv_io_desc.op_flags(d, UBLK_IO_OP_WRITE | UBLK_IO_F_FUA);
            ublksrv_io_desc.nr_sectors(d, 8);
            ublksrv_io_desc.start_sector(d, 1L << 33);
            ublksrv_io_desc.addr(d, 0x7f00_0000_1000L);
            MemorySegment ro = descs.asReadOnly();
            assertEquals(UBLK_IO_OP_WRITE, UblkIo.op(ro, 2));
            assertEquals(UBLK_IO_F_FUA, UblkIo.flags(ro, 2));
            assertEquals(8, UblkIo.nrSectors(ro, 2));
            assertEquals(1L << 33, UblkIo.startSector(ro, 2));
            assertEquals(0x7f00_0000_1000L, UblkIo.addr(ro, 2));
            assertEquals(UBLK_IO_OP_READ, UblkIo.op(ro, 1));
        }
    }

    @Test
    void ioCommandsAreWrittenIntoTheSqe() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            UblkIo.prepCommitAndFetch(ring, UblkCmdEncoding.IOCTL, 3, 1, 9, -Errno.EIO, 0xabcdef000L, 77);
            ring.sqeFlags(io.ublksnap.ffi.c.io_uring_h.IOSQE_FIXED_FILE);
            long sqe = ring.lastSqeOffset();
            MemorySegment s = ring.sqes();
            assertEquals(io.ublksnap.ffi.c.io_uring_h.IORING_OP_URING_CMD, s.get(ValueLayout.JAVA_BYTE, sqe));
            assertEquals(io.ublksnap.ffi.c.io_uring_h.IOSQE_FIXED_FILE, s.get(ValueLayout.JAVA_BYTE, sqe + 1));
            assertEquals(3, s.get(ValueLayout.JAVA_INT, sqe + 4));
            assertEquals(UBLK_U_IO_COMMIT_AND_FETCH_REQ, s.get(ValueLayout.JAVA_INT, sqe + 8));
            assertEquals(77L, s.get(ValueLayout.JAVA_LONG, sqe + 32));
            MemorySegment cmd = s.asSlice(sqe + 48, ublksrv_io_cmd.sizeof());
            assertEquals(1, ublksrv_io_cmd.q_id(cmd));
            assertEquals(9, ublksrv_io_cmd.tag(cmd));
            assertEquals(-Errno.EIO, ublksrv_io_cmd.result(cmd));
            assertEquals(0xabcdef000L, ublksrv_io_cmd.addr(cmd));

            UblkIo.prepFetchAutoBufReg(ring, UblkCmdEncoding.IOCTL, 3, 0, 5, UblkIo.autoBufReg(5, 1), 79);
            long zc = ring.lastSqeOffset();
            assertEquals(0x0001_0005L, s.get(ValueLayout.JAVA_LONG, zc + 16), "auto-buf-reg word in sqe->addr");
            assertEquals(0L, s.get(ValueLayout.JAVA_LONG, zc + 48 + 8), "ublksrv_io_cmd.addr stays 0");
            assertEquals(5, s.get(ValueLayout.JAVA_SHORT, zc + 48 + 2));

            UblkIo.prepFetch(ring, UblkCmdEncoding.LEGACY, 3, 0, 4095, 0, 78);
            long sqe2 = ring.lastSqeOffset();
            assertEquals(UBLK_IO_FETCH_REQ, s.get(ValueLayout.JAVA_INT, sqe2 + 8));
            assertEquals(4095, Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT, sqe2 + 48 + 2)));
        }
    }

    @Test
    void missingControlDeviceNamesTheFix() {
        NativeException e = assertThrows(NativeException.class, () -> UblkControl.open("/no/such/ublk-control"));
        assertEquals("no /no/such/ublk-control: this kernel has no ublk driver; try 'modprobe ublk_drv'",
                e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open", e.call());
        assertEquals("/no/such/ublk-control", e.path());
    }
}
