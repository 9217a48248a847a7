package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The stable names of the daemon's disks, two ways: the links /dev/ublksnap/NAME -> /dev/ublkbN the
 * daemon makes itself (no udev needed), and for udev's rule (packaging/60-ublksnap.rules) a file
 * RUN/names/ublkbN holding {@code UBLKSNAP_NAME=NAME}, written before the disk appears so that its
 * add event finds it, and removed with the disk. A disk that has no such file is not ublksnap's.
 */
final class Links {
    private final Path dir;
    private final Path names;
    private final Consumer<String> log;
    /** name -> its disk's kernel name (ublkbN), for the names files. */
    private final Map<String, String> kernelNames = new ConcurrentHashMap<>();

    /**
     * @param dir   where the links go (null: none)
     * @param names where the names files go (null: none)
     */
    Links(Path dir, Path names, Consumer<String> log) {
        this.dir = dir;
        this.names = names;
        this.log = log;
    }

    /**
     * Removes what an earlier daemon left behind (it crashed, or was killed): the names files, and
     * temporary links of a link it was replacing.
     */
    void clearStale() {
        clear(names, "*");
        clear(dir, ".*.tmp");
    }

    private void clear(Path d, String glob) {
        if (d == null || !Files.isDirectory(d)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, glob)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            Log.of(log).warning("cannot clear " + d + ": " + e.getMessage());
        }
    }

    private Path tmpLink(String name) {
        return dir.resolve("." + name + ".tmp"); // names start with a letter or digit: never a name itself
    }

    /** Before disk {@code blockPath} (/dev/ublkbN) appears: udev names it {@code name}. */
    void announce(String name, String blockPath) {
        String kernelName = Path.of(blockPath).getFileName().toString();
        kernelNames.put(name, kernelName);
        if (names == null) {
            return;
        }
        try {
            RunFiles.write(names.resolve(kernelName), nameFile(name));
        } catch (IOException e) {
            Log.of(log).warning("cannot write " + names.resolve(kernelName) + " (udev will not name " + blockPath + "): " + e.getMessage());
        }
    }

    private static String nameFile(String name) {
        return "UBLKSNAP_NAME=" + name + "\n";
    }

    /**
     * Makes (or corrects) the link to {@code blockPath}. udev's rule makes the same link as the disk's add
     * event is processed, and systemd checks then that it resolves to the disk: a link that is missing at
     * that moment makes systemd drop the name's device unit (a mount waiting for it times out). So a link
     * is never taken away here: a new one is made under a temporary name and renamed over the old one, as
     * udev does; a link that is right already (udev's are relative: ../ublkbN) is left alone.
     */
    void link(String name, String blockPath) {
        if (dir == null) {
            return;
        }
        Path link = dir.resolve(name);
        Path target = Path.of(blockPath).normalize();
        for (int attempt = 1; ; attempt++) {
            try {
                place(link, target, tmpLink(name));
                return;
            } catch (NoSuchFileException e) {
                if (attempt == 2) { // once more: udev removed the directory with its last link meanwhile
                    Log.of(log).warning("cannot create " + link + ": " + e.getMessage() + " vanished");
                    return;
                }
            } catch (IOException e) {
                Log.of(log).warning("cannot create " + link + ": " + e.getMessage());
                return;
            }
        }
    }

    private void place(Path link, Path target, Path tmp) throws IOException {
        Files.createDirectories(dir);
        if (pointsTo(link, target)) {
            return;
        }
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        try {
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Whether {@code link} is a link to {@code target}; false when it is gone or not a link. */
    private boolean pointsTo(Path link, Path target) {
        try {
            return dir.resolve(Files.readSymbolicLink(link)).normalize().equals(target);
        } catch (IOException e) {
            return false;
        }
    }

    /** The disk of {@code name} is gone (or never started): its link and its names file go. */
    void unlink(String name) {
        String kernelName = kernelNames.remove(name);
        if (names != null && kernelName != null) {
            Path f = names.resolve(kernelName);
            try {
                // Only if it still names this device: its number may already serve another one.
                if (Files.exists(f) && Files.readString(f).equals(nameFile(name))) {
                    Files.delete(f);
                }
            } catch (IOException e) {
                Log.of(log).warning("cannot remove " + f + ": " + e.getMessage());
            }
        }
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(name));
            Files.deleteIfExists(tmpLink(name));
        } catch (IOException e) {
            Log.of(log).warning("cannot remove " + dir.resolve(name) + ": " + e.getMessage());
        }
    }
}
