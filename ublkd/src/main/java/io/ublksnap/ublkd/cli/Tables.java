package io.ublksnap.ublkd.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Table lines as the client sends them: device paths made absolute (the daemon runs in /). */
final class Tables {
    private Tables() {
    }

    /**
     * The table with its ORIGIN word absolute when it is a path (has a '/') and its COW word absolute
     * unless it is a device number; everything else as given (the daemon checks it).
     */
    static String absolute(String table) {
        List<String> w = new ArrayList<>(Arrays.stream(table.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        int t = w.size() >= 3 && w.get(0).matches("\\d+") && w.get(1).matches("\\d+") ? 2 : 0;
        if (t < w.size()) {
            String target = w.get(t);
            if (target.startsWith("snapshot") && t + 1 < w.size()) {
                w.set(t + 1, ClientCommand.deviceWord(w.get(t + 1)));
            }
            if ((target.equals("snapshot") || target.equals("snapshot-merge")) && t + 2 < w.size()
                    && !w.get(t + 2).matches("\\d+:\\d+")) {
                w.set(t + 2, ClientCommand.absolute(w.get(t + 2)));
            }
        }
        return String.join(" ", w);
    }
}
