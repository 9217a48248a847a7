package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The operator's fill hook ({@code ublkd serve --fill-hook PROGRAM}): a program run for each fill
 * event, as {@code PROGRAM EVENT NAME PERCENT}, with the details in its environment
 * ({@code UBLKSNAP_EVENT}, {@code UBLKSNAP_NAME}, {@code UBLKSNAP_PERCENT},
 * {@code UBLKSNAP_ALLOCATED_SECTORS}, {@code UBLKSNAP_TOTAL_SECTORS}, {@code UBLKSNAP_COW},
 * {@code UBLKSNAP_MESSAGE}). It is executed directly, never through a shell, so nothing in a name
 * or a path is ever interpreted. Runs happen one at a time on a thread of their own, in the order
 * of the events, each for at most {@code timeout} (then it is killed); its output goes to the
 * daemon's. At most {@value #QUEUE} runs wait: events beyond are dropped with a word in the log.
 */
final class FillHook implements AutoCloseable {
    static final int QUEUE = 64;

    /** One run: argv words after the program, and the environment added. */
    record Run(List<String> args, Map<String, String> env) {
    }

    private final String program;
    private final Duration timeout;
    private final Consumer<String> log;
    private final BlockingQueue<Run> runs = new ArrayBlockingQueue<>(QUEUE);
    private final Thread worker;
    private volatile boolean closing;
    private long dropped;

    private FillHook(String program, Duration timeout, Consumer<String> log) {
        this.program = program;
        this.timeout = timeout;
        this.log = log;
        this.worker = Thread.ofVirtual().name("ublkd-fill-hook").start(this::work);
    }

    /**
     * A hook for {@code program}, checked now: an absolute path to an executable file.
     *
     * @throws SnapshotException naming the problem, in one line
     */
    static FillHook start(String program, Duration timeout, Consumer<String> log) {
        check(program);
        return new FillHook(program, timeout, log);
    }

    /** Refuses a program that cannot be run as the hook. */
    static void check(String program) {
        if (program == null || program.isEmpty() || !program.startsWith("/")) {
            throw new SnapshotException("--fill-hook '" + program + "': give the absolute path of a program (it is run as PROGRAM"
                    + " EVENT NAME PERCENT, without a shell)");
        }
        Path p = Path.of(program);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new SnapshotException("--fill-hook " + program + " is not an executable file: check the path and its x bit");
        }
    }

    /** Queues a run; never blocks (a full queue drops it). */
    void run(List<String> args, Map<String, String> env) {
        if (closing) {
            return;
        }
        if (!runs.offer(new Run(args, env))) {
            synchronized (this) {
                dropped++;
                if (dropped == 1 || dropped % 100 == 0) {
                    log.accept("fill hook " + program + " is behind: " + dropped + " event(s) dropped");
                }
            }
        }
    }

    private void work() {
        while (!closing) {
            Run r;
            try {
                r = runs.take();
            } catch (InterruptedException e) {
                return;
            }
            execute(r);
        }
    }

    private void execute(Run r) {
        List<String> cmd = new ArrayList<>(r.args().size() + 1);
        cmd.add(program);
        cmd.addAll(r.args());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(r.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            log.accept("fill hook " + program + " could not start: " + e.getMessage());
            return;
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(2, TimeUnit.SECONDS);
                }
                log.accept("fill hook " + program + " " + String.join(" ", r.args()) + " did not finish within "
                        + timeout.toSeconds() + " s: killed");
            } else if (p.exitValue() != 0) {
                log.accept("fill hook " + program + " " + String.join(" ", r.args()) + " exited with status " + p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops: the queued runs are dropped, a run under way is killed. */
    @Override
    public void close() {
        closing = true;
        runs.clear();
        worker.interrupt();
    }
}
