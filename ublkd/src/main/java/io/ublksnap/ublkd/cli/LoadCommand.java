package io.ublksnap.ublkd.cli;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Create a device from a dm table line, as dmsetup takes it (snapshot-origin, snapshot, snapshot-merge).",
        footer = {"", "ORIGIN and COW are devices or files (relative paths need a '/', e.g. ./o.img), device numbers",
                "MAJ:MIN as 'dmsetup table' prints them, or for ORIGIN the ublkd name of an origin.",
                "A file holds one 'NAME: TABLE' per line ('dmsetup table' output works).", "", "Examples:",
                "  ublkd load base 0 2097152 snapshot-origin /dev/vdb",
                "  ublkd load snap1 snapshot /dev/vdb /dev/vdc P 16",
                "  ublkd load snap2 0 2097152 snapshot 254:11 254:12 P 16",
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
            if (!Files.isRegularFile(file)) {
                throw new SnapshotException((Files.exists(file) ? "not a file: " : "no such file: ") + file
                        + " (--file takes a file of 'NAME: TABLE' lines)");
            }
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
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give NAME and a table line, or --file FILE");
        }
        load(name, String.join(" ", table));
        return 0;
    }

    private void load(String n, String t) {
        DeviceInfo d = call(new Request.Load(n, Tables.absolute(t)));
        out().println(n + " " + d.device());
    }
}
