package io.ublksnap.ublkd.cli;

import io.ublksnap.ublkd.control.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List devices: name, /dev/ublkbN, role, origin and COW usage.",
        footer = {"", "Examples:", "  ublkd list", "  ublkd list --json"})
public final class ListCommand extends ClientCommand {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<?> all = (List<?>) call("status");
        if (json) {
            out().println(Json.write(all));
            return 0;
        }
        String fmt = "%-16s %-14s %-9s %-16s %s%n";
        out().printf(fmt, "NAME", "DEVICE", "ROLE", "ORIGIN", "USAGE");
        for (Object o : all) {
            Map<?, ?> m = (Map<?, ?>) o;
            String role = String.valueOf(m.get("role"));
            String usage = "-";
            if (role.equals("snapshot")) {
                Object pct = m.get("used_percent");
                String state = String.valueOf(m.get("state"));
                usage = pct instanceof Number n && state.equals("active")
                        ? String.format("%.1f%% (%s)", n.doubleValue(), m.get("status")) : state;
            } else if (m.get("merge") instanceof Map<?, ?> merge) {
                usage = "merging " + merge.get("snapshot") + " " + merge.get("merged_chunks") + "/" + merge.get("total_chunks");
            }
            out().printf(fmt, m.get("name"), m.get("device"), role,
                    role.equals("snapshot") ? m.get("origin") : "-", usage);
        }
        return 0;
    }
}
