package io.ublksnap.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * Test tool for the VM tests: applies one deterministic sequence of random writes (offsets, lengths
 * and data all from a seed) to each device given, with direct I/O, so that two stacks (the kernel's
 * dm-snapshot and ublkd) receive exactly the same writes.
 *
 * <pre>java -cp ublkd/target/test-classes io.ublksnap.it.ApplyWrites SEED COUNT MAX_SECTORS DEVICE... [-- SEED ...]...</pre>
 *
 * Several sequences, separated by {@code --}, are applied one after the other (one JVM start).
 */
public final class ApplyWrites {
    public static void main(String[] args) throws IOException {
        int start = 0;
        for (int i = 0; i <= args.length; i++) {
            if (i == args.length || args[i].equals("--")) {
                apply(java.util.Arrays.copyOfRange(args, start, i));
                start = i + 1;
            }
        }
    }

    private static void apply(String[] args) throws IOException {
        long seed = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int max = Integer.parseInt(args[2]);
        ByteBuffer buf = ByteBuffer.allocateDirect(max * 512 + 8192).alignedSlice(4096);
        for (int d = 3; d < args.length; d++) {
            Random rnd = new Random(seed);
            try (FileChannel ch = FileChannel.open(Path.of(args[d]), StandardOpenOption.WRITE, StandardOpenOption.READ,
                    com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
                long sectors = ch.size() / 512;
                if (sectors == 0) {
                    sectors = blockDeviceSectors(args[d]);
                }
                for (int i = 0; i < count; i++) {
                    // Java's direct I/O wants 4 KiB alignment: lengths and offsets in units of 8 sectors.
                    int len = 8 * (1 + rnd.nextInt(Math.max(1, max / 8)));
                    long off = 8 * (long) (rnd.nextDouble() * ((sectors - len) / 8));
                    buf.clear().limit(len * 512);
                    while (buf.hasRemaining()) {
                        buf.putLong(rnd.nextLong());
                    }
                    buf.flip();
                    long pos = off * 512;
                    while (buf.hasRemaining()) {
                        pos += ch.write(buf, pos);
                    }
                }
                ch.force(true);
            }
        }
    }

    private static long blockDeviceSectors(String dev) throws IOException {
        String name = Path.of(dev).toRealPath().getFileName().toString();
        return Long.parseLong(java.nio.file.Files.readString(Path.of("/sys/class/block/" + name + "/size")).trim());
    }
}
