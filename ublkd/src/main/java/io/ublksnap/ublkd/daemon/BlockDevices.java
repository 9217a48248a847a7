package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.SnapshotException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Device numbers as dmsetup prints them in tables (MAJ:MIN), resolved to /dev/NAME through sysfs. */
final class BlockDevices {
    private static final Pattern NUMBER = Pattern.compile("\\d{1,10}:\\d{1,10}");

    private final Path sysDevBlock;
    private final Path dev;

    BlockDevices(Path sysDevBlock, Path dev) {
        this.sysDevBlock = sysDevBlock;
        this.dev = dev;
    }

    static final BlockDevices SYSTEM = new BlockDevices(Path.of("/sys/dev/block"), Path.of("/dev"));

    static boolean isNumber(String word) {
        return NUMBER.matcher(word).matches();
    }

    /** {@code word} itself, or for MAJ:MIN the device's node (/dev/dm-11 for 254:11). */
    String resolve(String word) {
        if (!isNumber(word)) {
            return word;
        }
        Path link = sysDevBlock.resolve(word);
        try {
            Path target = Files.readSymbolicLink(link);
            return dev.resolve(target.getFileName().toString()).toString();
        } catch (IOException e) {
            throw new SnapshotException("no block device " + word + " on this system (nothing at " + link
                    + "): check the device numbers with 'lsblk' or give the device's path");
        }
    }
}
