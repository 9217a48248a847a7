package io.ublksnap.ublkd.daemon;

import io.ublksnap.ublkd.log.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The stable names /dev/ublksnap/NAME -> /dev/ublkbN (no udev needed). */
final class Links {
    private final Path dir;
    private final Consumer<String> log;

    Links(Path dir, Consumer<String> log) {
        this.dir = dir;
        this.log = log;
    }

    void link(String name, DeviceHost.Served dev) {
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path link = dir.resolve(name);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(dev.blockPath()));
        } catch (IOException e) {
            Log.of(log).warning("cannot create " + dir.resolve(name) + ": " + e.getMessage());
        }
    }

    void unlink(String name) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
            Log.of(log).warning("cannot remove " + dir.resolve(name) + ": " + e.getMessage());
        }
    }
}
