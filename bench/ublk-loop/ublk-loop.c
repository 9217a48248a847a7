/* ublk-loop: a minimal ublk server in C, the benchmark's peer for ublkd's transport.
 *
 *   ublk-loop [-q QUEUES] [-d DEPTH] [-m MAX_IO_BYTES] BACKING
 *
 * Serves BACKING (a block device or a file) as /dev/ublkbN, prints that path on stdout once the device is
 * live, and removes the device on SIGTERM or SIGINT. Copy mode only (the driver copies request data to and
 * from this process's buffers: no zero copy, no user copy), one thread and one io_uring per queue, and the
 * backing I/O (O_DIRECT) goes through the queue's own ring: fetch -> read/write/fsync -> commit and fetch.
 * On exit it prints, per queue, the requests served and the io_uring_enter calls it made.
 *
 * Written for ublksnap's bench (bench/vm-bench.sh) so that "the cost of ublk" and "the cost of ublk in
 * Java" are separate numbers; it is not a product: no recovery, no discard, no zero copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <liburing.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ublk_abi.h"

#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif

/* user_data: what completed (top bits) and for which tag (low bits) */
#define UD_CMD   (0ULL << 62)
#define UD_IO    (1ULL << 62)
#define UD_STOP  (2ULL << 62)
#define UD_KIND  (3ULL << 62)

struct tag {
	uint8_t op;
	uint8_t fua;
	uint32_t len;   /* bytes asked for */
	uint32_t done;  /* bytes moved so far (short reads and writes are resumed) */
	uint64_t off;
	char *buf;
};

struct queue {
	int qid;
	pthread_t thread;
	struct io_uring ring;
	int stop_fd;
	uint64_t stop_val;
	const struct ul_io_desc *descs;
	size_t descs_len;
	struct tag *tags;
	int retired;
	/* startup handshake with main */
	int start_err;
	int started;
	/* what it did */
	uint64_t requests;
	uint64_t enters;
};

static struct {
	int queues, depth;
	uint32_t max_io;
	const char *path;
	int backing_fd;
	int cdev_fd;
	uint32_t dev_id;
	struct queue *q;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} S = {.queues = 1, .depth = 128, .max_io = 128 * 1024, .backing_fd = -1, .cdev_fd = -1};

static void usage_error(const char *msg)
{
	fprintf(stderr, "ublk-loop: %s (usage: ublk-loop [-q QUEUES] [-d DEPTH] [-m MAX_IO_BYTES] BACKING)\n", msg);
	exit(2);
}

/* ---- control: one command at a time on a small SQE128 ring ---- */

static int ctrl_cmd(struct io_uring *ring, uint32_t op, uint32_t dev_id, void *buf, uint16_t len, uint64_t data0)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	struct ul_ctrl_cmd cmd = {.dev_id = dev_id, .queue_id = 0xffff, .len = len,
	                          .addr = (uint64_t)(uintptr_t)buf, .data0 = data0};
	int ret;

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = 0; /* /dev/ublk-control, registered as file 0 */
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &cmd, sizeof(cmd));
	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

/* ---- one queue: its thread, its ring ---- */

static struct io_uring_sqe *sqe_of(struct queue *q)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);

	if (!sqe) { /* the SQ is full: hand what is there to the kernel, then there is room */
		io_uring_submit(&q->ring);
		q->enters++;
		sqe = io_uring_get_sqe(&q->ring);
	}
	if (!sqe) { /* cannot be: the ring has room for every tag twice */
		fprintf(stderr, "ublk-loop: queue %d: no room in the submission queue\n", q->qid);
		abort();
	}
	return sqe;
}

static void queue_cmd(struct queue *q, int tag, uint32_t op, int32_t result)
{
	struct io_uring_sqe *sqe = sqe_of(q);
	struct ul_io_cmd cmd = {.q_id = (uint16_t)q->qid, .tag = (uint16_t)tag, .result = result,
	                        .addr = (uint64_t)(uintptr_t)q->tags[tag].buf};

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = 0; /* /dev/ublkcN, registered as file 0 */
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, &cmd, sizeof(cmd));
	io_uring_sqe_set_data64(sqe, UD_CMD | (uint64_t)tag);
}

/* queue the backing I/O for what is left of the tag's request */
static void queue_backing(struct queue *q, int tag)
{
	struct tag *t = &q->tags[tag];
	struct io_uring_sqe *sqe = sqe_of(q);

	if (t->op == UL_OP_READ) {
		io_uring_prep_read(sqe, 1, t->buf + t->done, t->len - t->done, t->off + t->done);
	} else if (t->op == UL_OP_WRITE) {
		io_uring_prep_write(sqe, 1, t->buf + t->done, t->len - t->done, t->off + t->done);
		if (t->fua)
			sqe->rw_flags = RWF_DSYNC;
	} else {
		io_uring_prep_fsync(sqe, 1, IORING_FSYNC_DATASYNC);
	}
	sqe->flags |= IOSQE_FIXED_FILE; /* the backing file is registered as file 1 */
	io_uring_sqe_set_data64(sqe, UD_IO | (uint64_t)tag);
}

static void on_request(struct queue *q, int tag, int res)
{
	const volatile struct ul_io_desc *d = &q->descs[tag];
	struct tag *t = &q->tags[tag];
	uint32_t op_flags = d->op_flags;

	if (res == UL_IO_RES_ABORT) { /* the device is going away: this tag is done */
		q->retired++;
		return;
	}
	if (res != UL_IO_RES_OK) {
		fprintf(stderr, "ublk-loop: queue %d tag %d: fetch failed: %s\n", q->qid, tag, strerror(-res));
		q->retired++;
		return;
	}
	q->requests++;
	t->op = op_flags & 0xff;
	t->fua = (op_flags & UL_IO_F_FUA) != 0;
	t->len = d->nr_sectors << 9;
	t->off = d->start_sector << 9;
	t->done = 0;
	switch (t->op) {
	case UL_OP_READ:
	case UL_OP_WRITE:
		if (t->len == 0 || t->len > S.max_io) {
			queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, -EINVAL);
			return;
		}
		/* fall through */
	case UL_OP_FLUSH:
		queue_backing(q, tag);
		return;
	default:
		queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, -EOPNOTSUPP);
	}
}

static void on_backing(struct queue *q, int tag, int res)
{
	struct tag *t = &q->tags[tag];

	if (res < 0) {
		queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, res);
		return;
	}
	if (t->op == UL_OP_FLUSH) {
		queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, 0);
		return;
	}
	if (res == 0) { /* end of the backing file before the end of the request */
		queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, -EIO);
		return;
	}
	t->done += (uint32_t)res;
	if (t->done < t->len)
		queue_backing(q, tag);
	else
		queue_cmd(q, tag, UL_IO_COMMIT_AND_FETCH_REQ, (int32_t)t->len);
}

static void arm_stop(struct queue *q)
{
	struct io_uring_sqe *sqe = sqe_of(q);

	io_uring_prep_read(sqe, q->stop_fd, &q->stop_val, sizeof(q->stop_val), 0);
	io_uring_sqe_set_data64(sqe, UD_STOP);
}

static int queue_setup(struct queue *q)
{
	struct io_uring_params p;
	long page = sysconf(_SC_PAGESIZE);
	size_t stride = ((size_t)UL_MAX_QUEUE_DEPTH * sizeof(struct ul_io_desc) + page - 1) / page * page;
	int files[2] = {S.cdev_fd, S.backing_fd};
	unsigned entries = (unsigned)S.depth * 2 + 2;
	void *m;
	int ret, i;

	/* the flags ublkd's queue rings ask for; older kernels get what they have */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN;
	ret = io_uring_queue_init_params(entries, &q->ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(entries, &q->ring, &p);
	}
	if (ret < 0)
		return ret;
	ret = io_uring_register_files(&q->ring, files, 2);
	if (ret < 0)
		return ret;
	q->descs_len = ((size_t)S.depth * sizeof(struct ul_io_desc) + page - 1) / page * page;
	m = mmap(NULL, q->descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, S.cdev_fd, (off_t)(stride * (size_t)q->qid));
	if (m == MAP_FAILED)
		return -errno;
	q->descs = m;
	q->tags = calloc((size_t)S.depth, sizeof(*q->tags));
	if (!q->tags)
		return -ENOMEM;
	for (i = 0; i < S.depth; i++) {
		ret = posix_memalign((void **)&q->tags[i].buf, 4096, S.max_io);
		if (ret)
			return -ret;
		memset(q->tags[i].buf, 0, S.max_io); /* touch it now, not on the first request */
	}
	q->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (q->stop_fd < 0)
		return -errno;
	arm_stop(q);
	for (i = 0; i < S.depth; i++)
		queue_cmd(q, i, UL_IO_FETCH_REQ, 0);
	ret = io_uring_submit(&q->ring);
	q->enters++;
	return ret < 0 ? ret : 0;
}

static void *queue_main(void *arg)
{
	struct queue *q = arg;
	char name[16];
	int err, stop = 0;

	snprintf(name, sizeof(name), "cloop-q%d", q->qid); /* the bench tells queue threads by name */
	pthread_setname_np(pthread_self(), name);
	err = queue_setup(q);

	pthread_mutex_lock(&S.lock);
	q->start_err = err;
	q->started = 1;
	pthread_cond_broadcast(&S.cond);
	pthread_mutex_unlock(&S.lock);
	if (err)
		return NULL;
	while (!stop && q->retired < S.depth) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int ret = io_uring_submit_and_wait(&q->ring, 1);

		q->enters++;
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
			fprintf(stderr, "ublk-loop: queue %d: io_uring_enter: %s\n", q->qid, strerror(-ret));
			break;
		}
		io_uring_for_each_cqe(&q->ring, head, cqe) {
			uint64_t ud = io_uring_cqe_get_data64(cqe);
			int tag = (int)(ud & 0xffff);

			seen++;
			switch (ud & UD_KIND) {
			case UD_CMD: on_request(q, tag, cqe->res); break;
			case UD_IO: on_backing(q, tag, cqe->res); break;
			default: stop = 1; break;
			}
		}
		io_uring_cq_advance(&q->ring, seen);
	}
	return NULL;
}

/* ---- the device ---- */

static int open_backing(uint64_t *bytes, int *lbs_shift, int *pbs_shift)
{
	struct stat st;
	int lbs = 512, pbs = 4096;

	S.backing_fd = open(S.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (S.backing_fd < 0) {
		fprintf(stderr, "ublk-loop: cannot open %s: %s\n", S.path, strerror(errno));
		return -1;
	}
	if (fstat(S.backing_fd, &st) < 0)
		return -1;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(S.backing_fd, BLKGETSIZE64, bytes) < 0 || ioctl(S.backing_fd, BLKSSZGET, &lbs) < 0
		    || ioctl(S.backing_fd, BLKPBSZGET, &pbs) < 0) {
			fprintf(stderr, "ublk-loop: cannot read the geometry of %s: %s\n", S.path, strerror(errno));
			return -1;
		}
	} else if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		lbs = 4096; /* safe for O_DIRECT on any file system */
	} else {
		fprintf(stderr, "ublk-loop: %s is neither a block device nor a file\n", S.path);
		return -1;
	}
	if (pbs < lbs)
		pbs = lbs;
	*bytes -= *bytes % (uint64_t)lbs;
	if (*bytes == 0) {
		fprintf(stderr, "ublk-loop: %s is empty\n", S.path);
		return -1;
	}
	*lbs_shift = __builtin_ctz((unsigned)lbs);
	*pbs_shift = __builtin_ctz((unsigned)pbs);
	return 0;
}

static int open_cdev(void)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/dev/ublkc%u", S.dev_id);
	for (i = 0; i < 500; i++) { /* devtmpfs may show the node a moment after ADD_DEV */
		S.cdev_fd = open(path, O_RDWR | O_CLOEXEC);
		if (S.cdev_fd >= 0 || errno != ENOENT)
			break;
		usleep(10000);
	}
	if (S.cdev_fd < 0)
		fprintf(stderr, "ublk-loop: cannot open %s: %s\n", path, strerror(errno));
	return S.cdev_fd < 0 ? -1 : 0;
}

static long parse_num(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;
	long mult = 1;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*end == 'k' || *end == 'K') { mult = 1024; end++; }
	else if (*end == 'm' || *end == 'M') { mult = 1024 * 1024; end++; }
	if (errno || end == s || *end || v < min / mult || v > max / mult) {
		char msg[160];
		snprintf(msg, sizeof(msg), "bad %s '%s': from %ld to %ld", what, s, min, max);
		usage_error(msg);
	}
	return v * mult;
}

int main(int argc, char **argv)
{
	struct io_uring ctrl;
	struct ul_dev_info info;
	struct ul_params params;
	sigset_t sigs;
	uint64_t bytes = 0, requests = 0, enters = 0;
	int lbs_shift, pbs_shift, ctrl_fd, opt, ret, i, sig, rc = 1, started = 0, live = 0;

	opterr = 0; /* one line of our own for bad options */
	while ((opt = getopt(argc, argv, "q:d:m:h")) != -1) {
		switch (opt) {
		case 'q': S.queues = (int)parse_num(optarg, "queue count", 1, 64); break;
		case 'd': S.depth = (int)parse_num(optarg, "depth", 1, UL_MAX_QUEUE_DEPTH); break;
		case 'm': S.max_io = (uint32_t)parse_num(optarg, "largest request", 4096, 1 << 20); break;
		case 'h': printf("usage: ublk-loop [-q QUEUES] [-d DEPTH] [-m MAX_IO_BYTES] BACKING\n"); return 0;
		default: {
			char msg[64];
			snprintf(msg, sizeof(msg), "unknown option or missing value: -%c", optopt);
			usage_error(msg);
		}
		}
	}
	if (optind != argc - 1)
		usage_error("give exactly one backing device or file");
	if (S.max_io % 4096)
		usage_error("the largest request must be a multiple of 4k");
	S.path = argv[optind];

	/* SIGTERM and SIGINT are taken by sigwait in main only: every thread inherits this mask */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	pthread_mutex_init(&S.lock, NULL);
	pthread_cond_init(&S.cond, NULL);

	if (open_backing(&bytes, &lbs_shift, &pbs_shift) < 0)
		return 1;
	ctrl_fd = open("/dev/ublk-control", O_RDWR | O_CLOEXEC);
	if (ctrl_fd < 0) {
		fprintf(stderr, "ublk-loop: cannot open /dev/ublk-control: %s (load ublk_drv, run as root)\n", strerror(errno));
		return 1;
	}
	ret = io_uring_queue_init(4, &ctrl, IORING_SETUP_SQE128);
	if (ret < 0 || (ret = io_uring_register_files(&ctrl, &ctrl_fd, 1)) < 0) {
		fprintf(stderr, "ublk-loop: control ring: %s\n", strerror(-ret));
		return 1;
	}

	memset(&info, 0, sizeof(info));
	info.nr_hw_queues = (uint16_t)S.queues;
	info.queue_depth = (uint16_t)S.depth;
	info.max_io_buf_bytes = S.max_io;
	info.dev_id = UINT32_MAX; /* any free id */
	info.ublksrv_pid = getpid();
	info.flags = UL_F_CMD_IOCTL_ENCODE;
	ret = ctrl_cmd(&ctrl, UL_CMD_ADD_DEV, UINT32_MAX, &info, sizeof(info), 0);
	if (ret < 0) {
		fprintf(stderr, "ublk-loop: ADD_DEV: %s\n", strerror(-ret));
		return 1;
	}
	S.dev_id = info.dev_id;
	if (open_cdev() < 0)
		goto del;

	memset(&params, 0, sizeof(params));
	params.len = sizeof(params);
	params.types = UL_PARAM_TYPE_BASIC;
	params.basic.attrs = UL_ATTR_VOLATILE_CACHE | UL_ATTR_FUA; /* as ublkd: flushes and FUA reach the server */
	params.basic.logical_bs_shift = (uint8_t)lbs_shift;
	params.basic.physical_bs_shift = (uint8_t)pbs_shift;
	params.basic.io_opt_shift = (uint8_t)pbs_shift;
	params.basic.io_min_shift = (uint8_t)lbs_shift;
	params.basic.max_sectors = S.max_io >> 9;
	params.basic.dev_sectors = bytes >> 9;
	ret = ctrl_cmd(&ctrl, UL_CMD_SET_PARAMS, S.dev_id, &params, sizeof(params), 0);
	if (ret < 0) {
		fprintf(stderr, "ublk-loop: SET_PARAMS: %s\n", strerror(-ret));
		goto close;
	}

	S.q = calloc((size_t)S.queues, sizeof(*S.q));
	for (i = 0; i < S.queues; i++) {
		S.q[i].qid = i;
		S.q[i].stop_fd = -1;
		if (pthread_create(&S.q[i].thread, NULL, queue_main, &S.q[i]) != 0) {
			fprintf(stderr, "ublk-loop: cannot start the thread of queue %d\n", i);
			goto stop;
		}
		started++;
	}
	pthread_mutex_lock(&S.lock);
	for (i = 0; i < started; i++)
		while (!S.q[i].started)
			pthread_cond_wait(&S.cond, &S.lock);
	pthread_mutex_unlock(&S.lock);
	for (i = 0; i < started; i++) {
		if (S.q[i].start_err) {
			fprintf(stderr, "ublk-loop: queue %d: %s\n", i, strerror(-S.q[i].start_err));
			goto stop;
		}
	}
	/* START_DEV returns once every tag of every queue is fetched */
	ret = ctrl_cmd(&ctrl, UL_CMD_START_DEV, S.dev_id, NULL, 0, (uint64_t)getpid());
	if (ret < 0) {
		fprintf(stderr, "ublk-loop: START_DEV: %s\n", strerror(-ret));
		goto stop;
	}
	live = 1;
	printf("/dev/ublkb%u\n", S.dev_id);
	fflush(stdout);
	do
		ret = sigwait(&sigs, &sig);
	while (ret == EINTR);
	rc = 0;

stop:
	if (live) {
		ret = ctrl_cmd(&ctrl, UL_CMD_STOP_DEV, S.dev_id, NULL, 0, 0);
		if (ret < 0) {
			fprintf(stderr, "ublk-loop: STOP_DEV: %s\n", strerror(-ret));
			rc = 1;
		}
	}
	for (i = 0; i < started; i++) {
		uint64_t one = 1;
		if (S.q[i].stop_fd >= 0 && write(S.q[i].stop_fd, &one, sizeof(one)) < 0)
			fprintf(stderr, "ublk-loop: cannot wake queue %d: %s\n", i, strerror(errno));
	}
	for (i = 0; i < started; i++) {
		pthread_join(S.q[i].thread, NULL);
		if (!S.q[i].start_err)
			io_uring_queue_exit(&S.q[i].ring); /* cancels fetches still armed */
		requests += S.q[i].requests;
		enters += S.q[i].enters;
		if (S.q[i].descs)
			munmap((void *)S.q[i].descs, S.q[i].descs_len);
	}
close:
	close(S.cdev_fd); /* DEL_DEV waits until the char device is released */
del:
	ret = ctrl_cmd(&ctrl, UL_CMD_DEL_DEV, S.dev_id, NULL, 0, 0);
	if (ret < 0) {
		fprintf(stderr, "ublk-loop: DEL_DEV: %s\n", strerror(-ret));
		rc = 1;
	}
	fprintf(stderr, "ublk-loop: /dev/ublkb%u removed; %" PRIu64 " requests, %" PRIu64 " io_uring_enter calls\n",
	        S.dev_id, requests, enters);
	return rc;
}
