package io.ublksnap.bench.report;

import com.fasterxml.jackson.jr.ob.JSON;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one run of bench/vm-bench.sh (fio JSON per job and stack, ublkd CPU time, merge times,
 * memory) into report.md (a table with the ratios ublksnap / dm-snapshot and ublksnap / raw),
 * results.json, and ratios.png.
 */
public final class BenchReport {

    /** One fio run: throughput and latency of one job on one stack. */
    record Run(String job, String stack, double iops, double mbps, double p50us, double p99us, long ios, double cpuSeconds) {
    }

    static final List<String> STACKS = List.of("raw", "dm", "ublk", "pass");

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Map<String, Map<String, Run>> byJob = new LinkedHashMap<>();
        Map<String, String[]> extra = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("runs.txt"))) {
            String[] w = line.trim().split("\\s+");
            if (w.length < 3) {
                continue;
            }
            if (w[0].equals("merge") || w[0].equals("rss")) {
                extra.put(w[0] + " " + w[1], w);
                continue;
            }
            Path json = dir.resolve("fio").resolve(w[0] + "." + w[1] + ".json");
            if (!Files.exists(json)) {
                continue;
            }
            Run r = parse(w[0], w[1], Files.readString(json), w.length > 4 ? Long.parseLong(w[4]) / 100.0 : 0);
            byJob.computeIfAbsent(w[0], k -> new LinkedHashMap<>()).put(w[1], r);
        }
        String kernel = Files.exists(dir.resolve("kernel.txt")) ? Files.readString(dir.resolve("kernel.txt")).trim() : "?";
        StringBuilder md = new StringBuilder();
        md.append("# ublksnap vs dm-snapshot (").append(kernel).append(")\n\n");
        md.append("One VM boot, same RAM disks (brd) for every stack; fio, io_uring, direct I/O, 4 KiB chunks (8 sectors).\n");
        md.append("**This guest runs under software emulation: absolute numbers are meaningless, only the ratios within this run count.**\n\n");
        md.append("Stacks: raw = the RAM disk; dm = the kernel's dm-snapshot; ublk = ublksnap; pass = a ublksnap origin without snapshots (the cost of ublk itself).\n");
        md.append("Jobs: owrite-copy = 4 KiB random writes to the origin, each triggering a copy; owrite-nocopy = the same once every chunk is copied; ")
          .append("sread = 4 KiB random reads from the snapshot, half from the COW; swrite = 4 KiB random writes to the snapshot; ")
          .append("oseq = 1 MiB sequential writes to the origin (copies); sN = snapshots, qdN = queue depth.\n\n");
        md.append("| job | raw | dm-snapshot | ublksnap | pass-through | ublksnap/dm | ublksnap/raw | p50 µs dm / ublk | p99 µs dm / ublk | ublkd CPU µs/IO |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        List<Map<String, Object>> jsonRows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<String, Map<String, Run>> e : byJob.entrySet()) {
            Map<String, Run> s = e.getValue();
            Run dm = s.get("dm");
            Run ub = s.get("ublk");
            boolean seq = e.getKey().startsWith("oseq");
            md.append("| ").append(e.getKey());
            for (String st : STACKS) {
                Run r = s.get(st);
                md.append(" | ").append(r == null ? "-" : seq ? fmt(r.mbps) + " MB/s" : fmt(r.iops));
            }
            double ratioDm = dm != null && ub != null ? value(ub, seq) / value(dm, seq) : Double.NaN;
            Run raw = s.get("raw");
            double ratioRaw = raw != null && ub != null ? value(ub, seq) / value(raw, seq) : Double.NaN;
            md.append(" | ").append(ratio(ratioDm)).append(" | ").append(ratio(ratioRaw));
            md.append(" | ").append(dm == null ? "-" : fmt(dm.p50us)).append(" / ").append(ub == null ? "-" : fmt(ub.p50us));
            md.append(" | ").append(dm == null ? "-" : fmt(dm.p99us)).append(" / ").append(ub == null ? "-" : fmt(ub.p99us));
            md.append(" | ").append(ub == null || ub.ios == 0 ? "-" : fmt(ub.cpuSeconds * 1e6 / ub.ios)).append(" |\n");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("job", e.getKey());
            for (Map.Entry<String, Run> r : s.entrySet()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("iops", r.getValue().iops);
                m.put("mb_per_s", r.getValue().mbps);
                m.put("p50_us", r.getValue().p50us);
                m.put("p99_us", r.getValue().p99us);
                m.put("ios", r.getValue().ios);
                m.put("ublkd_cpu_s", r.getValue().cpuSeconds);
                row.put(r.getKey(), m);
            }
            row.put("ublk_over_dm", ratioDm);
            row.put("ublk_over_raw", ratioRaw);
            jsonRows.add(row);
            if (!Double.isNaN(ratioDm)) {
                labels.add(e.getKey());
                ratios.add(ratioDm);
            }
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        md.append('\n');
        String[] mdm = extra.get("merge dm");
        String[] mub = extra.get("merge ublk");
        if (mdm != null && mub != null) {
            double bytes = Double.parseDouble(mdm[2]);
            double sdm = Long.parseLong(mdm[3]) / 1000.0;
            double sub = Long.parseLong(mub[3]) / 1000.0;
            md.append(String.format(Locale.ROOT, "Merge of 256 MiB of exceptions: dm-snapshot %.1f s (%.1f MB/s), ublksnap %.1f s (%.1f MB/s): ublksnap/dm throughput %.2fx.%n",
                    sdm, bytes / sdm / 1e6, sub, bytes / sub / 1e6, sdm / sub));
            extras.put("merge_dm_s", sdm);
            extras.put("merge_ublk_s", sub);
            labels.add("merge-256MiB");
            ratios.add(sdm / sub);
        }
        String[] rss = extra.get("rss ublk");
        if (rss != null) {
            md.append(String.format(Locale.ROOT, "ublkd resident size with %s exceptions: %.1f MiB.%n", rss.length > 3 ? rss[3] : "?",
                    Long.parseLong(rss[2]) / 1024.0));
            extras.put("ublkd_rss_kib", Long.parseLong(rss[2]));
        }
        Files.writeString(dir.resolve("report.md"), md.toString());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("kernel", kernel);
        all.put("jobs", jsonRows);
        all.put("extra", extras);
        Files.writeString(dir.resolve("results.json"), JSON.std.asString(all) + "\n");
        chart(dir.resolve("ratios.png"), labels, ratios, kernel);
    }

    private static double value(Run r, boolean seq) {
        return seq ? r.mbps : r.iops;
    }

    static Run parse(String job, String stack, String text, double cpu) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) JSON.std.anyFrom(text.substring(text.indexOf('{')));
        @SuppressWarnings("unchecked")
        Map<String, Object> j = (Map<String, Object>) ((List<Object>) root.get("jobs")).getFirst();
        @SuppressWarnings("unchecked")
        Map<String, Object> rd = (Map<String, Object>) j.get("read");
        @SuppressWarnings("unchecked")
        Map<String, Object> wr = (Map<String, Object>) j.get("write");
        Map<String, Object> d = num(wr.get("total_ios")) > num(rd.get("total_ios")) ? wr : rd;
        @SuppressWarnings("unchecked")
        Map<String, Object> clat = (Map<String, Object>) d.get("clat_ns");
        @SuppressWarnings("unchecked")
        Map<String, Object> pct = clat == null ? Map.of() : (Map<String, Object>) clat.getOrDefault("percentile", Map.of());
        return new Run(job, stack, num(d.get("iops")), num(d.get("bw")) * 1024 / 1e6,
                num(pct.get("50.000000")) / 1000, num(pct.get("99.000000")) / 1000, (long) num(d.get("total_ios")), cpu);
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
    }

    /** A horizontal bar chart of ublksnap/dm-snapshot per job, with the 1.0 line. */
    static void chart(Path png, List<String> labels, List<Double> ratios, String kernel) throws IOException {
        int rowH = 26;
        int w = 900;
        int h = 70 + rowH * Math.max(1, labels.size());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("ublksnap / dm-snapshot (higher is better), " + kernel + ", same VM run", 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int left = 230;
        double max = Math.max(2.0, ratios.stream().mapToDouble(Double::doubleValue).max().orElse(1) * 1.1);
        double scale = (w - left - 60) / max;
        for (int i = 0; i < labels.size(); i++) {
            int y = 40 + i * rowH;
            double r = ratios.get(i);
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels.get(i), 10, y + 16);
            g.setColor(r >= 1.0 ? new Color(0x2e7d32) : new Color(0xc62828));
            g.fillRect(left, y + 4, (int) (r * scale), rowH - 8);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2fx", r), left + (int) (r * scale) + 5, y + 17);
        }
        g.setColor(Color.BLUE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 4}, 0));
        int x1 = left + (int) scale;
        g.drawLine(x1, 32, x1, h - 10);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
