package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Consumer;

/**
 * The configuration file as the daemon uses it: read once at start (in the order devices come
 * back: an origin, then its snapshots, then its merge), written whole after every change, with the
 * entries of devices that are not active kept exactly as they were.
 */
final class Persistence {
    private final Path file;
    private final Consumer<String> log;

    Persistence(Path file, Consumer<String> log) {
        this.file = file;
        this.log = log;
    }

    /**
     * The entries to bring back: transient snapshots (whose exceptions lived in memory only) are
     * dropped with a word in the log, except those whose device a dead daemon left behind
     * ({@code leftBehind}): they come back lost (every request fails, status Invalid), so that the
     * users of that device read no other data as if it were the snapshot's. A snapshot of an origin
     * the file does not have stops the start.
     */
    List<ConfigFile.Entry> load(IntPredicate leftBehind) throws IOException {
        if (file == null) {
            return List.of();
        }
        List<ConfigFile.Entry> out = new ArrayList<>();
        Set<String> origins = new HashSet<>();
        for (ConfigFile.Entry e : ConfigFile.read(file)) {
            switch (e) {
                case ConfigFile.OriginEntry o -> {
                    origins.add(o.name());
                    out.add(o);
                }
                case ConfigFile.SnapshotEntry s -> {
                    if (!origins.contains(s.origin())) {
                        throw new SnapshotException(file + ": snapshot " + s.name() + " names origin " + s.origin()
                                + ", which the file does not have before it");
                    }
                    if (!s.store().persistent() && s.devId() >= 0 && leftBehind.test(s.devId())) {
                        Log.of(log).error("transient snapshot " + s.name() + " did not survive the daemon's end (N keeps its exceptions"
                                + " in memory only): its device /dev/ublkb" + s.devId() + " stays, fails every request and says Invalid;"
                                + " remove it with 'ublkd remove " + s.name() + "'");
                        out.add(s);
                    } else if (!s.store().persistent()) {
                        Log.of(log).warning("transient snapshot " + s.name() + " did not survive the restart (N keeps its exceptions in memory only)");
                    } else {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }

    /** Writes every device's entry. Saves are serialized: each writes the registry as it is then. */
    synchronized void save(Registry registry) throws IOException {
        if (file != null) {
            ConfigFile.write(file, registry.entries());
        }
    }

    /** As {@link #save}, logging a failure (for changes the engine made on its own, e.g. a merge that finished). */
    void saveQuietly(Registry registry) {
        try {
            save(registry);
        } catch (IOException | RuntimeException e) {
            Log.of(log).error("cannot write " + file + ": " + e.getMessage());
        }
    }
}
