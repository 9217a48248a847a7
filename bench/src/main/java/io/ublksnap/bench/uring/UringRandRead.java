package io.ublksnap.bench.uring;

import io.ublksnap.ffi.CompletionHandler;
import io.ublksnap.ffi.IoUring;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.NativeMemory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ublksnap.ffi.c.io_uring_h.IORING_SETUP_COOP_TASKRUN;
import static io.ublksnap.ffi.c.io_uring_h.IORING_SETUP_DEFER_TASKRUN;
import static io.ublksnap.ffi.c.io_uring_h.IORING_SETUP_SINGLE_ISSUER;

/**
 * 4 KiB random reads with O_DIRECT at queue depth 32 from one thread through {@link IoUring}, then the same workload
 * with {@code fio --ioengine=io_uring} on the same file for the same time; prints both IOPS and their ratio (target:
 * IoUring at least 0.9 of fio). Run it with {@code bench/uring-randread.sh}.
 *
 * <pre>
 *   UringRandRead [--file PATH] [--size 1g] [--seconds 10] [--rounds 3] [--qd 32] [--bs 4096] [--skip-fio]
 *                 [--plain-setup]
 * </pre>
 *
 * The file is created once, filled with non-zero data (so that reads are real device reads, not holes) and reused
 * while its size matches. Both engines get the same one-second warm-up that is not counted. Because a shared or
 * virtual disk drifts by more than the difference being measured, the two engines alternate for several rounds and
 * the medians are compared. {@code --plain-setup} turns off SINGLE_ISSUER/COOP_TASKRUN/DEFER_TASKRUN.
 *
 * <p>Submission policy: by default each re-armed read is submitted on its own, as fio does with its default
 * {@code iodepth_batch_submit=1}. With {@code --batch} all reads re-armed after a wake-up go to the kernel in one
 * {@code io_uring_enter}, and fio gets {@code --iodepth_batch_submit=<qd>} to match. Batching costs IOPS on some
 * devices (the kernel plugs a multi-entry submission and dispatches it at the end); that is a property of the policy,
 * the same for a C liburing loop, not of the Java binding.
 */
public final class UringRandRead {

    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int fd;
    private final IoUring ring;
    private final MemorySegment buffers;
    private final int bs;
    private final int qd;
    private final long blocks;
    private final Counter counter = new Counter();
    private final boolean batch;
    private long rng = 0x9E3779B97F4A7C15L;

    /** Re-arms every completed slot with a new random read; counts completions. Allocation free. */
    private final class Counter implements CompletionHandler {
        long completed;
        int errors;
        int firstError;

        @Override
        public void complete(long slot, int res, int flags) {
            if (res != bs) {
                if (errors++ == 0) {
                    firstError = res;
                }
            }
            completed++;
            issue((int) slot);
        }
    }

    private UringRandRead(int fd, IoUring ring, MemorySegment buffers, int bs, int qd, long fileSize, boolean batch) {
        this.batch = batch;
        this.fd = fd;
        this.ring = ring;
        this.buffers = buffers;
        this.bs = bs;
        this.qd = qd;
        this.blocks = fileSize / bs;
    }

    private long nextBlock() {
        long x = rng; // xorshift64*
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        rng = x;
        // map the full 64-bit output to [0, blocks) by its high bits (the low bits of xorshift are the weak ones)
        return Math.unsignedMultiplyHigh(x * 0x2545F4914F6CDD1DL, blocks);
    }

    private void issue(int slot) {
        ring.prepRead(fd, buffers.address() + (long) slot * bs, bs, nextBlock() * bs, slot);
    }

    /** Runs for {@code seconds} after the warm-up; returns IOPS. */
    private double run(int seconds) throws NativeException {
        for (int slot = 0; slot < qd; slot++) {
            issue(slot);
        }
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_NANOS;
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        long countedFrom = -1;
        long now;
        while ((now = System.nanoTime()) < end) {
            if (countedFrom < 0 && now >= measureFrom) {
                countedFrom = counter.completed;
                measureFrom = now;
            }
            ring.submitAndWait(1);
            if (batch) {
                ring.reap(counter);           // re-arm every completed slot, submit them together next turn
            } else {
                while (ring.reap(counter, 1) == 1) {
                    ring.submit();            // fio's default: each read goes to the kernel as soon as it exists
                }
            }
        }
        if (counter.errors > 0) {
            throw new IllegalStateException(counter.errors + " reads failed, first result " + counter.firstError);
        }
        long done = counter.completed - Math.max(0, countedFrom);
        return done / ((now - measureFrom) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of("/tmp/ublksnap-uring-randread.dat");
        long size = 1L << 30;
        int seconds = 10;
        int rounds = 3;
        int qd = 32;
        int bs = 4096;
        boolean fio = true;
        boolean taskrunFlags = true;
        boolean batch = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--file" -> file = Path.of(args[++i]);
                case "--size" -> size = parseSize(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--qd" -> qd = Integer.parseInt(args[++i]);
                case "--bs" -> bs = (int) parseSize(args[++i]);
                case "--skip-fio" -> fio = false;
                case "--plain-setup" -> taskrunFlags = false;
                case "--batch" -> batch = true;
                default -> {
                    System.err.println("usage: UringRandRead [--file PATH] [--size 1g] [--seconds 10] [--rounds 3] "
                            + "[--qd 32] [--bs 4096] [--skip-fio] [--plain-setup] [--batch]");
                    System.exit(2);
                }
            }
        }
        prepareFile(file, size);
        System.out.printf(Locale.ROOT, "file %s, %d MiB, %d-byte random reads, O_DIRECT, qd %d; %d round(s) of "
                + "%d s per engine (+1 s warm-up each), alternating; submission %s%n", file, size >> 20, bs, qd, rounds,
                seconds, batch ? "batched per wake-up" : "per I/O (fio's default)");
        // Like fio's io_uring engine: single issuer, cooperative and deferred task work where the kernel has them.
        int prefer = taskrunFlags ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN
                : 0;
        double[] java = new double[rounds];
        double[] fioIops = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            java[r] = runJava(file, size, bs, qd, seconds, prefer, batch, r == 0);
            if (fio) {
                fioIops[r] = runFio(file, bs, qd, seconds, batch, r == 0);
                System.out.printf(Locale.ROOT, "round %d: IoUring %,.0f IOPS, fio %,.0f IOPS, ratio %.3f%n", r + 1,
                        java[r], fioIops[r], java[r] / fioIops[r]);
            } else {
                System.out.printf(Locale.ROOT, "round %d: IoUring %,.0f IOPS%n", r + 1, java[r]);
            }
        }
        double javaMedian = median(java);
        System.out.printf(Locale.ROOT, "IoUring (Java, 1 thread): %,.0f IOPS (median)%n", javaMedian);
        if (fio) {
            double fioMedian = median(fioIops);
            double ratio = javaMedian / fioMedian;
            System.out.printf(Locale.ROOT, "fio io_uring (1 job):      %,.0f IOPS (median)%n", fioMedian);
            System.out.printf(Locale.ROOT, "ratio IoUring / fio:       %.3f (target >= 0.90: %s)%n", ratio,
                    ratio >= 0.9 ? "met" : "NOT met");
        }
    }

    private static double runJava(Path file, long size, int bs, int qd, int seconds, int prefer, boolean batch,
                                  boolean verbose) throws NativeException {
        int fd = Libc.open(file.toString(), Libc.O_RDONLY | Libc.O_DIRECT | Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.builder(qd).prefer(prefer).build()) {
            if (verbose) {
                System.out.printf("IoUring setup flags 0x%x%n", ring.setupFlags());
            }
            MemorySegment buffers = NativeMemory.allocateAligned(arena, (long) qd * bs);
            return new UringRandRead(fd, ring, buffers, bs, qd, size, batch).run(seconds);
        } finally {
            Libc.close(fd);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long parseSize(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        long mul = 1;
        if (t.endsWith("k")) {
            mul = 1L << 10;
        } else if (t.endsWith("m")) {
            mul = 1L << 20;
        } else if (t.endsWith("g")) {
            mul = 1L << 30;
        }
        if (mul != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mul;
    }

    /** Creates {@code file} with {@code size} bytes of non-zero data unless it already has that size. */
    private static void prepareFile(Path file, long size) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return;
        }
        System.out.printf("creating %s (%d MiB)...%n", file, size >> 20);
        int chunk = 1 << 20;
        int fd = Libc.open(file.toString(), Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0644);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = NativeMemory.allocateAligned(arena, chunk);
            long x = 1;
            for (long off = 0; off < size; off += chunk) {
                for (long i = 0; i < chunk; i += 8) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    buf.set(ValueLayout.JAVA_LONG, i, x);
                }
                long n = Math.min(chunk, size - off);
                if (Libc.pwrite(fd, buf.asSlice(0, n), off) != n) {
                    throw new IOException("short write to " + file);
                }
            }
            Libc.fsync(fd);
        } finally {
            Libc.close(fd);
        }
    }

    private static final Pattern READ_IOPS =
            Pattern.compile("\"read\"\\s*:\\s*\\{[^{}]*?\"iops\"\\s*:\\s*([0-9.eE+-]+)");

    private static double runFio(Path file, int bs, int qd, int seconds, boolean batch, boolean verbose)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=uring-randread", "--filename=" + file,
                "--ioengine=io_uring", "--direct=1", "--rw=randread", "--bs=" + bs, "--iodepth=" + qd,
                "--numjobs=1", "--time_based", "--runtime=" + seconds, "--ramp_time=1", "--norandommap",
                "--randrepeat=0", "--output-format=json"));
        if (batch) {
            cmd.addAll(List.of("--iodepth_batch_submit=" + qd, "--iodepth_batch_complete_max=" + qd));
        }
        if (verbose) {
            System.out.println("fio command: " + String.join(" ", cmd));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("fio exited with " + p.exitValue() + ":\n" + out);
        }
        Matcher m = READ_IOPS.matcher(out);
        if (!m.find()) {
            throw new IOException("no read iops in fio output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }
}
