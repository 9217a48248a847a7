package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ublkd.Main;
import io.ublksnap.ublkd.control.ControlServer;
import io.ublksnap.ublkd.daemon.Daemon;
import io.ublksnap.ublkd.device.UblkDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground: serve origins and snapshots as ublk devices.",
        footer = {"", "Examples:",
                "  ublkd serve --config /etc/ublksnap/devices.conf",
                "  ublkd serve --queues 2 --depth 64 &"})
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--config", description = "Keep the set of devices in this file and bring it back at start.")
    Path config;

    @Option(names = "--queues", description = "Queues (threads) per device (default: one per CPU).")
    int queues = Runtime.getRuntime().availableProcessors();

    @Option(names = "--depth", description = "Requests in flight per queue (default: ${DEFAULT-VALUE}).")
    int depth = 128;

    @Option(names = "--max-io", description = "Largest request in bytes, e.g. 512k (default: ${DEFAULT-VALUE}).")
    String maxIo = "128k";

    @Option(names = "--pin-limit", description = "Most request-buffer memory one device pins as io_uring fixed buffers (default: ${DEFAULT-VALUE}); above it, plain I/O.")
    String pinLimit = "64m";

    @Option(names = "--no-zero-copy", description = "Copy request data even where the kernel offers zero copy.")
    boolean noZeroCopy;

    @Option(names = "--copy-memory", description = "Memory for chunk copies in flight, e.g. 64m (default: ${DEFAULT-VALUE}).")
    String copyMemory = "64m";

    @Option(names = "--links", description = "Directory for stable names NAME -> /dev/ublkbN (default: ${DEFAULT-VALUE}).")
    Path links = Path.of("/dev/ublksnap");

    static long bytes(String s) {
        long v = io.ublksnap.engine.ChunkSize.parse(s) * 512;
        if (v <= 0) {
            throw new SnapshotException("bad size '" + s + "'");
        }
        return v;
    }

    @Override
    public Integer call() throws Exception {
        if (Libc.geteuid() != 0) {
            throw new SnapshotException("ublkd serve must run as root: it creates block devices");
        }
        if (!Files.exists(Path.of(UblkControl.CONTROL_PATH))) {
            throw new SnapshotException("no " + UblkControl.CONTROL_PATH
                    + ": this kernel has no ublk driver; load it with 'modprobe ublk_drv' (Linux 6.0 or newer)");
        }
        if (depth < 1 || depth > 4096 || queues < 1) {
            throw new SnapshotException("bad --depth or --queues: depth 1..4096, queues at least 1");
        }
        ControlServer.checkNotRunning(main.socket);
        long maxIoBytes = bytes(maxIo);
        if (maxIoBytes % 4096 != 0 || maxIoBytes > (1 << 20)) {
            throw new SnapshotException("bad --max-io " + maxIo + ": a multiple of 4k, at most 1m");
        }
        UblkControl control;
        try {
            control = UblkControl.open();
        } catch (NativeException e) {
            throw new SnapshotException("cannot open " + UblkControl.CONTROL_PATH + ": " + e.getMessage());
        }
        UblkDevice.Options dev = new UblkDevice.Options(queues, depth, (int) maxIoBytes, !noZeroCopy, bytes(pinLimit));
        Origin.Options eng = new Origin.Options(bytes(copyMemory), 1 << 20, 1 << 20);
        java.util.List<Integer> stale = UblkDevice.cleanUpAfterCrash(control);
        if (!stale.isEmpty()) {
            System.err.println("ublkd: deleted devices an earlier ublkd left behind: " + stale);
        }
        Daemon daemon = new Daemon(control, dev, eng, config, links, msg -> System.err.println("ublkd: " + msg));
        long f = daemon.kernelFeatures();
        System.err.println("ublkd: kernel ublk features: " + (f < 0 ? "unknown (no GET_FEATURES)" : UblkFeatures.describe(f))
                + "; commands " + control.encoding());
        CountDownLatch stopped = new CountDownLatch(1);
        ControlServer[] server = new ControlServer[1];
        Runnable stop = () -> {
            daemon.close();
            try {
                if (server[0] != null) {
                    server[0].close();
                }
                control.close();
            } catch (Exception e) {
                System.err.println("ublkd: " + e.getMessage());
            }
            stopped.countDown();
        };
        server[0] = ControlServer.bind(daemon, main.socket, () -> Thread.ofPlatform().start(stop));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (stopped.getCount() > 0) {
                System.err.println("ublkd: signal: stopping");
                stop.run();
                // A stop on SIGTERM/SIGINT that drained and committed everything is a clean exit, not 128+signal:
                // systemd and shells see status 0.
                Runtime.getRuntime().halt(0);
            }
        }));
        daemon.restore();
        Thread.ofPlatform().name("ublkd-socket").start(server[0]::serve);
        System.err.println("ublkd: ready on " + main.socket);
        stopped.await();
        return 0;
    }
}
