package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show device status as dmsetup does ('NAME: 0 SECTORS TARGET STATUS'), the tables, or JSON.",
        footer = {"", "Snapshot status is dm-snapshot's: ALLOCATED/TOTAL METADATA (sectors), Invalid, Overflow or Merge failed.",
                "", "Examples:", "  ublkd status", "  ublkd status snap1", "  ublkd status --table", "  ublkd status snap1 --json"})
public final class StatusCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", description = "One device (default: all).")
    String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--table", description = "Print the table lines instead of the status lines.")
    boolean table;

    @Override
    public Integer call() {
        Object r = call("status", "name", name);
        if (json) {
            out().println(Json.write(r));
            return 0;
        }
        List<?> all = r instanceof List<?> l ? l : List.of(r);
        for (Object o : all) {
            Map<?, ?> m = (Map<?, ?>) o;
            out().println(line(m, table));
        }
        return 0;
    }

    /** "NAME: 0 SECTORS TARGET ..." with the table's arguments or the status, as dmsetup prints them. */
    static String line(Map<?, ?> m, boolean table) {
        String t = String.valueOf(m.get("table")); // "0 N target args..."
        if (table) {
            return m.get("name") + ": " + t;
        }
        String[] w = t.split(" ", 4);
        String status = String.valueOf(m.get("status"));
        return m.get("name") + ": " + w[0] + " " + w[1] + " " + w[2] + (status.isEmpty() ? "" : " " + status);
    }
}
