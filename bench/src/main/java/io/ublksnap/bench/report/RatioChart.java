package io.ublksnap.bench.report;

import io.ublksnap.bench.report.Spread.Ratio;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart of ratios with their intervals as whiskers: per row a main bar (ublksnap/dm, or
 * pass/cloop, or the merge) and, where present, a thinner bar for the transport-normalised ratio; the 1.0 line.
 */
final class RatioChart {
    private RatioChart() {
    }

    record Row(String label, Ratio main, Ratio second) {
    }

    static void write(Path png, List<Row> rows, String kernel) throws IOException {
        int rowH = 34;
        int w = 1000;
        int left = 300;
        int h = 90 + rowH * Math.max(1, rows.size());
        double max = 2.0;
        for (Row r : rows) {
            for (Ratio x : List.of(r.main(), r.second())) {
                if (x.present() && Double.isFinite(x.hi())) {
                    max = Math.max(max, Math.min(x.hi(), 6) * 1.05);
                }
            }
        }
        double scale = (w - left - 80) / max;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("ublksnap / dm-snapshot (thick) and normalised (ublk/pass)/(dm/raw) (thin), " + kernel, 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("medians; whiskers: the interval the repetitions allow; higher is better; same emulated VM run", 10, 38);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int y = 50 + i * rowH;
            g.setColor(Color.DARK_GRAY);
            g.drawString(r.label(), 10, y + 18);
            bar(g, r.main(), left, y + 4, 14, scale, max);
            if (r.second().present()) {
                bar(g, r.second(), left, y + 21, 7, scale, max);
            }
        }
        g.setColor(Color.BLUE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 4}, 0));
        int x1 = left + (int) scale;
        g.drawLine(x1, 44, x1, h - 10);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void bar(Graphics2D g, Ratio r, int left, int y, int hgt, double scale, double max) {
        if (!r.present()) {
            return;
        }
        double v = Math.min(r.value(), max);
        g.setColor(r.lo() >= 1.0 ? new Color(0x2e7d32) : r.hi() < 1.0 ? new Color(0xc62828) : new Color(0xef8f00));
        g.fillRect(left, y, (int) (v * scale), hgt);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        int lo = left + (int) (Math.min(r.lo(), max) * scale);
        int hi = left + (int) (Math.min(r.hi(), max) * scale);
        int mid = y + hgt / 2;
        g.drawLine(lo, mid, hi, mid);
        g.drawLine(lo, y, lo, y + hgt);
        g.drawLine(hi, y, hi, y + hgt);
        g.drawString(String.format(Locale.ROOT, "%.2fx", r.value()), Math.max(hi, left + (int) (v * scale)) + 5, y + hgt - 1);
    }
}
