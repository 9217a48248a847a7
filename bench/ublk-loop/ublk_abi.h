/* ublk_abi.h: the parts of the kernel's ublk interface (include/uapi/linux/ublk_cmd.h) that ublk-loop uses,
 * written out here so that the program builds against any libc headers (Debian 12 ships a 6.1 header that
 * lacks the ioctl-encoded commands). Layouts follow the UAPI; the static asserts pin their sizes. */
#ifndef UBLK_LOOP_ABI_H
#define UBLK_LOOP_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

/* 32 bytes, in the command area of a 128-byte SQE on /dev/ublk-control */
struct ul_ctrl_cmd {
	uint32_t dev_id;
	uint16_t queue_id;      /* 0xffff: not about one queue */
	uint16_t len;           /* of the buffer at addr */
	uint64_t addr;
	uint64_t data0;         /* START_DEV: the server's pid */
	uint16_t dev_path_len;
	uint16_t pad;
	uint32_t reserved;
};

/* 64 bytes: ADD_DEV's argument and answer */
struct ul_dev_info {
	uint16_t nr_hw_queues;
	uint16_t queue_depth;
	uint16_t state;
	uint16_t pad0;
	uint32_t max_io_buf_bytes;
	uint32_t dev_id;
	int32_t ublksrv_pid;
	uint32_t pad1;
	uint64_t flags;
	uint64_t ublksrv_flags;
	uint32_t owner_uid;
	uint32_t owner_gid;
	uint64_t reserved1;
	uint64_t reserved2;
};

/* 24 bytes per tag, in the read-only area mapped from /dev/ublkcN */
struct ul_io_desc {
	uint32_t op_flags;      /* op in bits 0-7, flags above */
	uint32_t nr_sectors;
	uint64_t start_sector;
	uint64_t addr;
};

/* 16 bytes, in the command area of a 64-byte SQE on /dev/ublkcN */
struct ul_io_cmd {
	uint16_t q_id;
	uint16_t tag;
	int32_t result;
	uint64_t addr;
};

struct ul_param_basic {
	uint32_t attrs;
	uint8_t logical_bs_shift;
	uint8_t physical_bs_shift;
	uint8_t io_opt_shift;
	uint8_t io_min_shift;
	uint32_t max_sectors;
	uint32_t chunk_sectors;
	uint64_t dev_sectors;
	uint64_t virt_boundary_mask;
};

/* only the basic parameters: len tells the kernel how much of its struct ublk_params follows */
struct ul_params {
	uint32_t len;
	uint32_t types;
	struct ul_param_basic basic;
};

_Static_assert(sizeof(struct ul_ctrl_cmd) == 32, "ublksrv_ctrl_cmd is 32 bytes");
_Static_assert(sizeof(struct ul_dev_info) == 64, "ublksrv_ctrl_dev_info is 64 bytes");
_Static_assert(sizeof(struct ul_io_desc) == 24, "ublksrv_io_desc is 24 bytes");
_Static_assert(sizeof(struct ul_io_cmd) == 16, "ublksrv_io_cmd is 16 bytes");
_Static_assert(sizeof(struct ul_param_basic) == 32, "ublk_param_basic is 32 bytes");

/* control commands, ioctl-encoded (Linux 6.4+) */
#define UL_CMD_ADD_DEV     _IOWR('u', 0x04, struct ul_ctrl_cmd)
#define UL_CMD_DEL_DEV     _IOWR('u', 0x05, struct ul_ctrl_cmd)
#define UL_CMD_START_DEV   _IOWR('u', 0x06, struct ul_ctrl_cmd)
#define UL_CMD_STOP_DEV    _IOWR('u', 0x07, struct ul_ctrl_cmd)
#define UL_CMD_SET_PARAMS  _IOWR('u', 0x08, struct ul_ctrl_cmd)

/* I/O commands, ioctl-encoded */
#define UL_IO_FETCH_REQ             _IOWR('u', 0x20, struct ul_io_cmd)
#define UL_IO_COMMIT_AND_FETCH_REQ  _IOWR('u', 0x21, struct ul_io_cmd)

#define UL_IO_RES_OK       0
#define UL_IO_RES_ABORT    (-19) /* -ENODEV: the tag is retired, fetch it no more */

#define UL_OP_READ         0
#define UL_OP_WRITE        1
#define UL_OP_FLUSH        2
#define UL_IO_F_FUA        (1U << 13)

#define UL_F_CMD_IOCTL_ENCODE  (1ULL << 6)

#define UL_ATTR_VOLATILE_CACHE (1U << 2)
#define UL_ATTR_FUA            (1U << 3)
#define UL_PARAM_TYPE_BASIC    (1U << 0)

#define UL_MAX_QUEUE_DEPTH 4096
/* the descriptors of queue q start at q * round_up(UL_MAX_QUEUE_DEPTH * 24, page size) in /dev/ublkcN */

#endif
