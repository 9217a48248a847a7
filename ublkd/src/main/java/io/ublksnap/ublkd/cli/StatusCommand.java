package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DmText;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.Wire;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show device status as dmsetup does ('NAME: 0 SECTORS TARGET STATUS'), the tables, or JSON.",
        footer = {"", "Snapshot status is dm-snapshot's: ALLOCATED/TOTAL METADATA (sectors), Invalid, Overflow or Merge failed.",
                "A configured device that is not up shows 'NAME: not active: REASON'.",
                "",
                "JSON (stable: fields may be added, none renamed or removed; status and list print the same):",
                "  every device: name, role (origin|snapshot), active, reason (when not active), device (/dev/ublkbN|null),",
                "    sectors, table and status (dm's lines; null when not active)",
                "  origin: backing, target (snapshot-origin|snapshot-merge), snapshots [names], queues, zero_copy, batch_io, merge",
                "  snapshot: origin, origin_backing, cow, store (P|PO|N), chunk_sectors, state (active, invalid, overflow,",
                "    merging, merge failed, loaded, inactive), valid, overflow, exceptions, pending, allocated_sectors,",
                "    total_sectors, metadata_sectors, used_percent (when known), merge, features [discard_zeroes_cow,",
                "    discard_passdown_origin], autoextend {threshold, percent} (when on)",
                "  merge: snapshot, state (merging|stopped|failed|done), merged_chunks, total_chunks, chunk_sectors,",
                "    bytes_per_second, seconds_left (-1: unknown), error (when failed), cow, store, cow_sectors",
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
        List<DeviceInfo> all = name == null ? call(new Request.StatusAll()) : List.of(call(new Request.Status(name)));
        if (json) {
            out().println(Wire.write(Wire.json(name == null ? all : all.getFirst())));
            return 0;
        }
        for (DeviceInfo d : all) {
            out().println(table ? DmText.tableLine(d) : DmText.statusLine(d));
        }
        return 0;
    }
}
