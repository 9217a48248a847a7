package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Create a device from a dm table line, as dmsetup takes it (snapshot-origin, snapshot, snapshot-merge).",
        footer = {"", "ORIGIN in a snapshot line is the origin's backing device (as in the kernel) or its ublkd name.",
                "A file holds one 'NAME: TABLE' per line ('dmsetup table' output works).", "", "Examples:",
                "  ublkd load base 0 2097152 snapshot-origin /dev/vdb",
                "  ublkd load snap1 snapshot /dev/vdb /dev/vdc P 16",
                "  ublkd load --file tables.txt"})
public final class LoadCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", description = "Name of the new device.")
    String name;

    @Parameters(index = "1..*", arity = "0..*", description = "The table line.")
    List<String> table;

    @Option(names = "--file", description = "Load every 'NAME: TABLE' line of this file, in order.")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (file != null) {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.replaceFirst("#.*", "").trim();
                if (line.isEmpty()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new SnapshotException(file + ": expected 'NAME: TABLE' but got '" + line + "'");
                }
                load(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            return 0;
        }
        if (name == null || table == null || table.isEmpty()) {
            throw new SnapshotException("give NAME and a table line, or --file FILE (see 'ublkd load --help')");
        }
        load(name, String.join(" ", table));
        return 0;
    }

    private void load(String n, String t) {
        Map<?, ?> r = (Map<?, ?>) call("load", "name", n, "table", t);
        out().println(n + " " + r.get("device"));
    }
}
