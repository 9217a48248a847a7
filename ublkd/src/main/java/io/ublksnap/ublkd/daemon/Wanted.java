package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the daemon waits for, told to udev, and udev's answer. While configured devices are not
 * active, RUN/wanted lists the backing paths they need, one a line; it is gone when nothing waits.
 * udev's rule (packaging/60-ublksnap.rules) tests for that file first, so block events cost nothing
 * while nothing waits; otherwise a small shell matcher (packaging/udev-appeared) compares the
 * device's node, links and number with the list and, on a match, appends the device's node to
 * RUN/appeared. The daemon watches that file (inotify) and brings up what waits: no JVM starts for
 * a block event, and no appearance is lost while an activation runs (the next one follows). The
 * file only grows while the daemon runs (a line per matching event); the next start empties it.
 */
final class Wanted implements AutoCloseable {
    static final String WANTED = "wanted";
    static final String APPEARED = "appeared";

    private final Path dir;
    private final Consumer<String> log;
    private List<String> current = List.of();
    private WatchService watcher;
    private boolean closed;

    /** @param dir the run directory (null: no files, no watching) */
    Wanted(Path dir, Consumer<String> log) {
        this.dir = dir;
        this.log = log;
    }

    /**
     * Starts watching RUN/appeared (made empty here; what an earlier daemon left goes): each time
     * udev appends to it, {@code onAppeared} runs on the watching thread, once for a burst.
     */
    synchronized void watch(Consumer<List<String>> onAppeared) {
        if (dir == null || watcher != null || closed) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(WANTED));
            Path appeared = dir.resolve(APPEARED);
            Files.write(appeared, new byte[0]);
            WatchService ws = dir.getFileSystem().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            watcher = ws;
            Thread.ofPlatform().daemon().name("ublkd-udev").start(() -> loop(ws, appeared, onAppeared));
        } catch (IOException e) {
            Log.of(log).warning("cannot watch " + dir.resolve(APPEARED) + " (devices will not come up by themselves when their backing "
                    + "device appears; 'ublkd activate' still works): " + e.getMessage());
        }
    }

    private void loop(WatchService ws, Path appeared, Consumer<List<String>> onAppeared) {
        long offset = 0;
        try {
            while (true) {
                WatchKey key = ws.take();
                boolean overflow = false;
                do {
                    for (WatchEvent<?> ev : key.pollEvents()) {
                        overflow |= ev.kind() == StandardWatchEventKinds.OVERFLOW;
                    }
                    key.reset();
                } while ((key = ws.poll()) != null);
                // The file only grows (udev appends a line per matching event): what is new is past the offset.
                if (sizeOf(appeared) < offset) {
                    offset = 0; // emptied or made again by someone else: read it all
                }
                String text = readFrom(appeared, offset);
                int end = text.lastIndexOf('\n') + 1;
                offset += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
                List<String> lines = text.substring(0, end).lines().map(String::strip).filter(l -> !l.isEmpty()).distinct().toList();
                if (!lines.isEmpty() || overflow) {
                    onAppeared.accept(lines);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the daemon stops
        } catch (RuntimeException e) {
            Log.of(log).warning("watching " + appeared + " failed (devices no longer come up by themselves): " + e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= offset) {
                return "";
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // read on
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Publishes what the daemon waits for now (nothing: the file goes). */
    synchronized void update(List<String> paths) {
        if (dir == null || closed || Objects.equals(paths, current)) {
            return;
        }
        Path f = dir.resolve(WANTED);
        try {
            if (paths.isEmpty()) {
                Files.deleteIfExists(f);
            } else {
                StringBuilder sb = new StringBuilder();
                for (String p : paths) {
                    sb.append(p).append('\n');
                }
                RunFiles.write(f, sb.toString());
            }
            current = List.copyOf(paths);
        } catch (IOException e) {
            Log.of(log).warning("cannot write " + f + " (devices will not come up by themselves): " + e.getMessage());
        }
    }

    /** Stops watching; nothing waits any more (the daemon stops): an activation still running publishes nothing. */
    @Override
    public synchronized void close() {
        update(List.of());
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            watcher = null;
        }
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(APPEARED));
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
