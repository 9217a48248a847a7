package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.CowImage;
import io.ublksnap.engine.store.PersistentStore;
import io.ublksnap.ublkd.control.Wire;
import io.ublksnap.ublkd.io.NativeBufferAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cow", mixinStandardHelpOptions = true,
        description = "Look at persistent COWs offline (no daemon needed; nothing is written to the COW).",
        subcommands = {CowCommand.Inspect.class, CowCommand.Export.class},
        footer = {"", "Examples:", "  ublkd cow inspect /var/lib/ublksnap/snap1.cow",
                "  ublkd cow export --origin base.img --cow snap1.cow --out snap1.img"})
public final class CowCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "give a subcommand: 'ublkd cow inspect COW' or 'ublkd cow export ...'");
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Show a COW's header and exceptions (dm-snapshot's on-disk format).",
            footer = {"", "Examples:", "  ublkd cow inspect /var/lib/ublksnap/snap1.cow", "  ublkd cow inspect /dev/vdc --json --exceptions"})
    static final class Inspect implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "The COW file or device.")
        String cow;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Option(names = "--exceptions", description = "List every exception (origin chunk -> COW chunk).")
        boolean list;

        @Override
        public Integer call() throws Exception {
            java.io.PrintWriter out = spec.commandLine().getOut();
            try (ReadOnlyBacking b = ReadOnlyBacking.open(cow)) {
                // The summary first (one pass), then the exceptions as they are read (a second pass): memory
                // stays the same whatever the number of exceptions.
                PersistentStore.CowInfo info = PersistentStore.inspect(b, NativeBufferAllocator.INSTANCE, (o, n) -> true);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cow", b.name());
                m.put("bytes", b.sizeBytes());
                m.put("initialized", info.initialized());
                m.put("blank", info.blank());
                m.put("valid", info.valid());
                m.put("version", info.version());
                m.put("chunk_sectors", info.chunkSectors());
                m.put("exceptions", info.exceptions());
                if (info.usage() != null) {
                    m.put("status", info.usage().allocatedSectors() + "/" + info.usage().totalSectors() + " " + info.usage().metadataSectors());
                }
                boolean listing = list && info.initialized() && info.valid();
                if (json) {
                    String head = Wire.write(m);
                    if (!listing) {
                        out.println(head);
                        return 0;
                    }
                    out.print(head.substring(0, head.length() - 1) + ",\"map\":[");
                    boolean[] first = {true};
                    PersistentStore.inspect(b, NativeBufferAllocator.INSTANCE, (o, n) -> {
                        out.print((first[0] ? "\"" : ",\"") + o + "->" + n + "\"");
                        first[0] = false;
                        return true;
                    });
                    out.println("]}");
                } else if (!info.initialized()) {
                    out.println(b.name() + (info.blank()
                            ? ": no snapshot yet (header chunk and first metadata area are zeros): a new snapshot can be made on it"
                            : ": no snapshot header, and not blank either (data in its first chunks): a new snapshot"
                            + " would overwrite that data; use --init only if it is expendable"));
                } else {
                    out.println(b.name() + ": version " + info.version() + ", chunk " + info.chunkSectors() + " sectors, "
                            + (info.valid() ? "valid, " + info.exceptions() + " exceptions, status " + m.get("status") : "INVALID"));
                    if (listing) {
                        PersistentStore.inspect(b, NativeBufferAllocator.INSTANCE, (o, n) -> {
                            out.println("  " + o + " -> " + n);
                            return true;
                        });
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the image a snapshot shows (its origin plus its COW) to a file, without a daemon.",
            footer = {"", "The origin must not have changed since the snapshot's last use other than through it.",
                    "The inputs are only read. A file is written whole under a temporary name and renamed at the end;",
                    "a block device is written in place. The output can be neither input.", "",
                    "Example:", "  ublkd cow export --origin base.img --cow snap1.cow --out snap1.img"})
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--origin", required = true, description = "The origin's backing file or device.")
        String origin;

        @Option(names = "--cow", required = true, description = "The snapshot's COW.")
        String cow;

        @Option(names = "--out", required = true, description = "Where to write the image (a new or replaced file, or a block device).")
        String out;

        @Override
        public Integer call() throws Exception {
            try (ReadOnlyBacking o = ReadOnlyBacking.open(origin); ReadOnlyBacking c = ReadOnlyBacking.open(cow)) {
                Output target = Output.of(Path.of(out), Path.of(o.name()), Path.of(c.name()));
                CowImage.Result r;
                long[] written = {0};
                try (Output w = target.open()) {
                    r = CowImage.export(o, c, NativeBufferAllocator.INSTANCE, (offset, data) ->
                            written[0] += w.write(data.byteBuffer(), offset));
                    w.commit();
                }
                spec.commandLine().getOut().println(out + ": " + r.bytes() + " bytes of image (" + written[0] + " bytes written), "
                        + r.chunksFromCow() + (r.chunksFromCow() == 1 ? " chunk" : " chunks") + " from the COW");
            }
            return 0;
        }
    }

    /**
     * Where an export goes: a block device written in place, or a file written under a temporary
     * name in its directory and renamed over it once complete. Refuses to be one of the inputs.
     */
    static final class Output implements AutoCloseable {
        private final Path path;
        private final boolean blockDevice;
        private Path tmp;
        private FileChannel ch;
        private boolean committed;

        private Output(Path path, boolean blockDevice) {
            this.path = path;
            this.blockDevice = blockDevice;
        }

        static Output of(Path out, Path... inputs) throws IOException {
            Path p = out.toAbsolutePath();
            if (Files.isDirectory(p)) {
                throw new SnapshotException(out + " is a directory: give the path of the image to write");
            }
            boolean block = false;
            if (Files.exists(p)) {
                Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,rdev,mode");
                block = ((Integer) a.get("mode") & 0170000) == 0060000;
                for (Path in : inputs) {
                    Map<String, Object> b = Files.readAttributes(in, "unix:dev,ino,rdev,mode");
                    boolean sameInode = a.get("dev").equals(b.get("dev")) && a.get("ino").equals(b.get("ino"));
                    boolean sameDevice = block && ((Integer) b.get("mode") & 0170000) == 0060000 && a.get("rdev").equals(b.get("rdev"));
                    if (sameInode || sameDevice) {
                        throw new SnapshotException("--out " + out + " is the same file as the input " + in
                                + ": write the image somewhere else");
                    }
                }
            }
            return new Output(p, block);
        }

        Output open() throws IOException {
            if (blockDevice) {
                ch = FileChannel.open(path, StandardOpenOption.WRITE);
            } else {
                Path dir = path.getParent();
                tmp = dir.resolve("." + path.getFileName() + ".export-" + ProcessHandle.current().pid());
                ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            return this;
        }

        /** Writes all of {@code b} at {@code offset}; returns the bytes written. */
        long write(ByteBuffer b, long offset) throws IOException {
            long n = 0;
            while (b.hasRemaining()) {
                int w = ch.write(b, offset + n);
                if (w <= 0) {
                    throw new IOException("cannot write to " + path + " at " + (offset + n) + ": no progress");
                }
                n += w;
            }
            return n;
        }

        /** Makes the image durable and, for a file, puts it in place. */
        void commit() throws IOException {
            ch.force(true);
            ch.close();
            if (tmp != null) {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (ch != null && ch.isOpen()) {
                ch.close();
            }
            if (!committed && tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
