package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ublkd.Main;
import io.ublksnap.ublkd.control.Autoextend;
import io.ublksnap.ublkd.control.ControlServer;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DeviceStats;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Sizes;
import io.ublksnap.ublkd.daemon.Daemon;
import io.ublksnap.ublkd.daemon.HeapAtRest;
import io.ublksnap.ublkd.daemon.UblkHost;
import io.ublksnap.ublkd.device.LeftBehind;
import io.ublksnap.ublkd.device.UblkDevice;
import io.ublksnap.ublkd.log.Log;
import io.ublksnap.ublkd.systemd.SdNotify;
import io.ublksnap.ublkd.systemd.ServiceStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground: serve origins and snapshots as ublk devices.",
        footer = {"", "Sizes are bytes, or a whole number with a unit k, m, g or t (powers of 1024).",
                "Exit status: 0 after a stop ('ublkd stop', SIGTERM, SIGINT), 1 when the start fails.", "",
                "The log goes to standard error: with journal priorities under systemd (journalctl -u ublkd -p err",
                "shows the failures), with the time and level elsewhere. UBLKD_LOG_LEVEL=error, warning, info (the",
                "default) or debug sets how much. Under systemd (Type=notify) ublkd tells systemd when its devices are",
                "back (READY=1) and how many it serves (STATUS=).", "",
                "Examples:",
                "  ublkd serve --config /etc/ublksnap/devices.conf",
                "  ublkd serve --queues 2 --depth 64 &",
                "  ublkd serve --config /etc/ublksnap/devices.conf --autoextend-threshold 70 --autoextend-percent 20 \\",
                "      --fill-hook /usr/local/sbin/ublksnap-fill"})
public final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--config", description = "Keep the set of devices in this file and bring it back at start.")
    Path config;

    @Option(names = "--queues", description = "Queues (threads) per device (default: one per CPU).")
    int queues = Runtime.getRuntime().availableProcessors();

    @Option(names = "--depth", description = "Requests in flight per queue (default: ${DEFAULT-VALUE}). Each takes a --max-io buffer, pinned in memory: more depth is more memory.")
    int depth = 32;

    @Option(names = "--max-io", description = "Largest request in bytes, e.g. 512k (default: ${DEFAULT-VALUE}).")
    String maxIo = "128k";

    @Option(names = "--pin-limit", description = "Most request-buffer memory one device may pin as io_uring fixed buffers, counting all its tags (default: ${DEFAULT-VALUE}); above it, plain I/O. A tag's buffer is pinned when the tag first serves a request.")
    String pinLimit = "64m";

    @Option(names = "--no-zero-copy", description = "Copy request data even where the kernel offers zero copy.")
    boolean noZeroCopy;

    @Option(names = "--batch-io", description = "Fetch and answer requests in batches where the kernel offers it (UBLK_F_BATCH_IO, Linux 7.0+), for the devices this daemon creates. Off by default: measured slower at depth 1 and no faster at depth 32 (bench/batch-ab.sh).")
    boolean batchIo;

    @Option(names = "--copy-memory", description = "Memory for chunk copies in flight, e.g. 64m (default: ${DEFAULT-VALUE}).")
    String copyMemory = "64m";

    @Option(names = "--links", description = "Directory for stable names NAME -> /dev/ublkbN (default: ${DEFAULT-VALUE}).")
    Path links = Path.of("/dev/ublksnap");

    @Option(names = "--fill-hook", paramLabel = "PROGRAM",
            description = "Run PROGRAM EVENT NAME PERCENT (no shell; details in UBLKSNAP_* variables) when a COW passes 80, 85, 90 or 95 percent full, grows, or a snapshot is invalidated or overflows.")
    String fillHook;

    @Option(names = "--autoextend-threshold", paramLabel = "PERCENT",
            description = "Grow COW files by themselves once this full (50 to 100; 100: off), for snapshots without their own setting.")
    Integer autoextendThreshold;

    @Option(names = "--autoextend-percent", paramLabel = "PERCENT",
            description = "How much a COW file grows then, in percent of its size.")
    Integer autoextendPercent;

    /** What happens to the devices when ublkd dies. */
    enum OnCrash {
        keep(UblkDevice.Recovery.REISSUE), fail(UblkDevice.Recovery.FAIL_IO), remove(UblkDevice.Recovery.OFF);

        final UblkDevice.Recovery recovery;

        OnCrash(UblkDevice.Recovery recovery) {
            this.recovery = recovery;
        }
    }

    @Option(names = "--on-crash", paramLabel = "keep|fail|remove",
            description = "What the kernel does with the devices when ublkd dies (SIGKILL, a crash): keep them, their requests"
                    + " waiting for the next ublkd, which takes them over (the default); fail their requests until then (Linux 6.13+);"
                    + " or remove them, as servers without recovery do. Devices made by an earlier ublkd keep their own choice.")
    OnCrash onCrash = OnCrash.keep;

    @Option(names = "--run-dir", description = "Directory for the files udev's rules read and write: a name per disk, what"
            + " devices that are not active wait for (default: ${DEFAULT-VALUE}).")
    Path runDir = Path.of("/run/ublksnap");

    /** How long a stop may take before the process exits anyway (the next start takes over what is left). */
    static final Duration STOP_LIMIT = Duration.ofSeconds(120);

    /** How often systemd's status line is compared with the devices (changes by requests are sent at once). */
    static final Duration STATUS_POLL = Duration.ofSeconds(10);

    @Override
    public Integer call() throws Exception {
        Autoextend autoextend = Autoextend.of(autoextendThreshold, autoextendPercent);
        Daemon.FillSettings fill = new Daemon.FillSettings(fillHook, autoextend == null ? Autoextend.OFF : autoextend);
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
        long maxIoBytes = Sizes.parse("--max-io", maxIo, 4096, "4 KiB");
        if (maxIoBytes > (1 << 20)) {
            throw new SnapshotException("bad --max-io " + maxIo + ": a multiple of 4k, at most 1m");
        }
        long pin = Sizes.parse("--pin-limit", pinLimit);
        long copy = Sizes.parse("--copy-memory", copyMemory, 4096, "4 KiB");
        UblkControl control;
        try {
            control = UblkControl.open();
        } catch (NativeException e) {
            throw new SnapshotException("cannot open " + UblkControl.CONTROL_PATH + ": " + e.getMessage());
        }
        Log log = Log.system();
        SdNotify notify = SdNotify.fromEnvironment(log);
        UblkDevice.Options dev = new UblkDevice.Options(queues, depth, (int) maxIoBytes, !noZeroCopy, batchIo, pin,
                onCrash.recovery);
        Origin.Options eng = new Origin.Options(copy, 1 << 20, 1 << 20);
        // Devices are this daemon's by its control socket: the next daemon on the same socket takes them over.
        long marker = UblkDevice.marker(main.socket.toAbsolutePath().normalize().toString());
        UblkHost host = new UblkHost(control, dev, marker, LeftBehind.find(control, marker, log));
        long f = host.kernelFeatures();
        log.accept("kernel ublk features: " + (f < 0 ? "unknown (no GET_FEATURES)" : UblkFeatures.describe(f))
                + "; commands " + control.encoding());
        long recoveryFlags = dev.recovery().flags();
        if (recoveryFlags != 0 && (f < 0 || (f & recoveryFlags) != recoveryFlags)) {
            if (onCrash == OnCrash.fail) {
                control.close();
                throw new SnapshotException("--on-crash fail needs a kernel that offers UBLK_F_USER_RECOVERY_FAIL_IO (Linux 6.13 or newer):"
                        + " use --on-crash keep or remove here");
            }
            log.warning("this kernel cannot keep ublk devices through a crash of their server (no UBLK_F_USER_RECOVERY_REISSUE):"
                    + " if ublkd dies, its devices fail and go");
        }
        Daemon daemon = Daemon.start(host, eng, config, links, runDir, log, Daemon.Options.DEFAULT, fill);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicBoolean failed = new AtomicBoolean();
        ControlServer[] server = new ControlServer[1];
        HeapAtRest.Operations operations = new HeapAtRest.Operations();
        AtomicReference<Thread> heapAtRest = new AtomicReference<>();
        Consumer<Request.Stop> stop = how -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            notify.stopping(how.handOver() ? "handing over: the devices stay for the next ublkd"
                    : "stopping: devices finish their requests and are deleted");
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(STOP_LIMIT.toMillis());
                    log.error("the stop did not finish within " + STOP_LIMIT.toSeconds()
                            + " s: exiting anyway (the next start takes over the devices left behind)");
                    Runtime.getRuntime().halt(1);
                } catch (InterruptedException done) {
                    // stopped in time
                }
            });
            Thread looks = heapAtRest.get();
            if (looks != null) {
                looks.interrupt();
            }
            if (how.handOver()) {
                daemon.handOver();
            } else {
                daemon.close();
            }
            try {
                if (server[0] != null) {
                    server[0].close();
                }
                control.close();
            } catch (Exception e) {
                log.error("stopping: " + Main.oneLine(e));
            }
            watchdog.interrupt();
            stopped.countDown();
        };
        // A signal stops gracefully and exits 0 (systemd and shells see a clean stop). A start that
        // failed exits with its own status: the hook then does nothing, so Restart=on-failure works.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            if (failed.get() || stopped.getCount() == 0) {
                return;
            }
            log.accept("signal: stopping");
            stop.accept(new Request.Stop(false));
            try {
                stopped.await(STOP_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            Runtime.getRuntime().halt(0);
        }));
        try {
            ServiceStatus status = new ServiceStatus(notify, () -> ServiceStatus.describe(devices(daemon)));
            ControlServer.Handler handler = request -> {
                boolean changes = changes(request);
                if (changes) {
                    operations.begin();
                }
                try {
                    return daemon.handle(request);
                } finally {
                    if (changes) {
                        operations.end();
                        status.update();
                    }
                }
            };
            server[0] = ControlServer.bind(main.socket, handler, how -> Thread.ofPlatform().start(() -> stop.accept(how)), log, Duration.ofSeconds(10));
            notify.status("restoring the devices of " + (config == null ? "no configuration" : config));
            daemon.restore();
            Thread.ofPlatform().name("ublkd-socket").start(server[0]::serve);
            status.ready();
            heapAtRest.set(HeapAtRest.start(() -> requests(daemon), operations, ProcessHandle.current().info().arguments()
                    .map(List::of).orElse(List.of()), log::debug));
            if (stopping.get()) { // a stop that came before the looks began did not end them
                heapAtRest.get().interrupt();
            }
            if (notify.enabled()) {
                // merges end and requests that outlive their reply change the devices later: look now and then
                Thread.ofPlatform().daemon().name("ublkd-status").start(() -> {
                    while (!stopping.get()) {
                        try {
                            Thread.sleep(STATUS_POLL);
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (!stopping.get()) {
                            status.update();
                        }
                    }
                });
            }
        } catch (Exception | Error e) {
            failed.set(true);
            if (!stopping.get()) {
                // What came back stays for the next attempt (systemd restarts a failed start): never delete a disk in use.
                stop.accept(new Request.Stop(true));
            }
            throw e;
        }
        log.accept("ready on " + main.socket);
        stopped.await();
        return 0;
    }

    /** Whether a request may change the set of devices (everything but questions). */
    static boolean changes(Request<?> request) {
        return !(request instanceof Request.Ping || request instanceof Request.Status
                || request instanceof Request.StatusAll || request instanceof Request.Features || request instanceof Request.Stats);
    }

    /** Requests served by all the devices there are (a count that changes while ublkd works). */
    @SuppressWarnings("unchecked")
    private static long requests(Daemon daemon) {
        List<DeviceStats> all;
        try {
            all = (List<DeviceStats>) daemon.handle(new Request.Stats(null));
        } catch (Exception e) { // stopping
            throw new IllegalStateException(e);
        }
        long n = 0;
        for (DeviceStats d : all) {
            for (DeviceStats.RequestCount c : d.requests()) {
                n += c.requests();
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static List<DeviceInfo> devices(Daemon daemon) {
        try {
            return (List<DeviceInfo>) daemon.handle(new Request.StatusAll());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
