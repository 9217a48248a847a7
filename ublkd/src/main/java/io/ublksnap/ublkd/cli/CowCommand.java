package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.ChunkMap;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.PersistentStore;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ublkd.control.Json;
import io.ublksnap.ublkd.io.FileBacking;
import io.ublksnap.ublkd.io.NativeBufferAllocator;
import io.ublksnap.ublkd.io.SegmentBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cow", mixinStandardHelpOptions = true,
        description = "Look at persistent COWs offline (no daemon needed; nothing is written to the COW).",
        subcommands = {CowCommand.Inspect.class, CowCommand.Export.class},
        footer = {"", "Examples:", "  ublkd cow inspect /var/lib/ublksnap/snap1.cow",
                "  ublkd cow export --origin base.img --cow snap1.cow --out snap1.img"})
public final class CowCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new SnapshotException("give a subcommand: 'ublkd cow inspect COW' or 'ublkd cow export ...'");
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
            try (FileBacking b = FileBacking.open(cow)) {
                Map<Long, Long> ex = new LinkedHashMap<>();
                PersistentStore.CowInfo info = PersistentStore.inspect(b, NativeBufferAllocator.INSTANCE, (o, n) -> {
                    if (list) {
                        ex.put(o, n);
                    }
                    return true;
                });
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cow", b.name());
                m.put("bytes", b.sizeBytes());
                m.put("initialized", info.initialized());
                m.put("valid", info.valid());
                m.put("version", info.version());
                m.put("chunk_sectors", info.chunkSectors());
                m.put("exceptions", info.exceptions());
                if (info.usage() != null) {
                    m.put("status", info.usage().allocatedSectors() + "/" + info.usage().totalSectors() + " " + info.usage().metadataSectors());
                }
                if (list) {
                    m.put("map", ex.entrySet().stream().map(e -> e.getKey() + "->" + e.getValue()).toList());
                }
                if (json) {
                    spec.commandLine().getOut().println(Json.write(m));
                } else if (!info.initialized()) {
                    spec.commandLine().getOut().println(b.name() + ": no snapshot yet (starts with zeros): a new snapshot can be made on it");
                } else {
                    spec.commandLine().getOut().println(b.name() + ": version " + info.version() + ", chunk " + info.chunkSectors() + " sectors, "
                            + (info.valid() ? "valid, " + info.exceptions() + " exceptions, status " + m.get("status") : "INVALID"));
                    for (String s : list ? ex.entrySet().stream().map(e -> "  " + e.getKey() + " -> " + e.getValue()).toList()
                            : java.util.List.<String>of()) {
                        spec.commandLine().getOut().println(s);
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the image a snapshot shows (its origin plus its COW) to a file, without a daemon.",
            footer = {"", "The origin must not have changed since the snapshot's last use other than through it.", "",
                    "Example:", "  ublkd cow export --origin base.img --cow snap1.cow --out snap1.img"})
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--origin", required = true, description = "The origin's backing file or device.")
        String origin;

        @Option(names = "--cow", required = true, description = "The snapshot's COW.")
        String cow;

        @Option(names = "--out", required = true, description = "Where to write the image.")
        String out;

        @Override
        public Integer call() throws Exception {
            try (FileBacking o = FileBacking.open(origin); FileBacking c = FileBacking.open(cow); Arena arena = Arena.ofConfined()) {
                ChunkMap map = new ChunkMap();
                PersistentStore.CowInfo info = PersistentStore.inspect(c, NativeBufferAllocator.INSTANCE, (ol, n) -> map.put(ol, n, -1) == -1);
                if (!info.initialized() || !info.valid()) {
                    throw new SnapshotException("COW " + c.name() + (info.initialized() ? " is invalid" : " holds no snapshot"));
                }
                long chunkBytes = (long) info.chunkSectors() << 9;
                MemorySegment buf = arena.allocate(chunkBytes, 4096);
                SegmentBuffer sb = new SegmentBuffer(buf, -1);
                int fd = Libc.open(out, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0644);
                try {
                    for (long chunk = 0; chunk * chunkBytes < o.sizeBytes(); chunk++) {
                        long len = Math.min(chunkBytes, o.sizeBytes() - chunk * chunkBytes);
                        SegmentBuffer part = sb.slice(0, len);
                        long nc = map.get(chunk, -1);
                        if (nc >= 0) {
                            c.readSync(nc * chunkBytes, part);
                        } else {
                            o.readSync(chunk * chunkBytes, part);
                        }
                        Libc.pwrite(fd, part.segment(), chunk * chunkBytes);
                    }
                } finally {
                    Libc.close(fd);
                }
                spec.commandLine().getOut().println(out + ": " + o.sizeBytes() + " bytes, " + map.size() + " chunks from the COW");
            }
            return 0;
        }
    }
}
