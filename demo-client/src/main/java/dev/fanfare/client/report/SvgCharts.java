package dev.fanfare.client.report;

import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: drawn here, so the report needs no script and no network.
 * Each chart is a standalone, well-formed {@code <svg>} element.
 */
final class SvgCharts {

    /** A named line of a CDF chart. */
    record Series(String name, String color, List<CdfPoint> points) {
    }

    /** A named line of an x-y chart: points as {x, y}, in x order. */
    record Line(String name, String color, List<double[]> points) {
    }

    /** One labelled bar; {@code value} null draws no bar and writes "n/a". */
    record Bar(String name, String color, Double value) {
    }

    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 45;
    private static final double MIN_MILLIS = 0.01;

    private SvgCharts() {
    }

    /** Latency CDF: x = latency (log scale, ms), y = share of events that arrived within it. */
    static String cdf(List<Series> series, int width, int height) {
        double min = series.stream().flatMap(s -> s.points().stream()).mapToDouble(CdfPoint::millis)
                .filter(v -> v > 0).min().orElse(1);
        double max = series.stream().flatMap(s -> s.points().stream()).mapToDouble(CdfPoint::millis).max().orElse(10);
        int lo = (int) Math.floor(Math.log10(Math.max(MIN_MILLIS, min)));
        int hi = (int) Math.ceil(Math.log10(Math.max(max, Math.pow(10, lo + 1))));
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder svg = open(width, height, "Latency CDF per style");
        for (int decade = lo; decade <= hi; decade++) {
            double x = LEFT + plotW * (double) (decade - lo) / (hi - lo);
            svg.append(line(x, TOP, x, TOP + plotH, "#ddd"));
            svg.append(text(x, TOP + plotH + 16, "middle", Numbers.tickMillis(Math.pow(10, decade))));
        }
        for (int p : new int[]{0, 25, 50, 75, 90, 100}) {
            double y = TOP + plotH * (1 - p / 100.0);
            svg.append(line(LEFT, y, LEFT + plotW, y, "#ddd"));
            svg.append(text(LEFT - 6, y + 4, "end", p + "%"));
        }
        svg.append(text(LEFT + plotW / 2.0, height - 6, "middle", "latency, publish to receive (log scale)"));
        int legendY = TOP + 14;
        for (Series s : series) {
            if (s.points().isEmpty()) {
                continue;
            }
            StringBuilder points = new StringBuilder();
            for (CdfPoint point : s.points()) {
                double ms = Math.max(Math.pow(10, lo), point.millis());
                double x = LEFT + plotW * (Math.log10(ms) - lo) / (hi - lo);
                double y = TOP + plotH * (1 - point.percentile() / 100);
                points.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(s.color())
                    .append("\" points=\"").append(points.toString().trim()).append("\"><title>")
                    .append(Html.escape(s.name())).append("</title></polyline>\n");
            svg.append("<rect x=\"").append(LEFT + 10).append("\" y=\"").append(legendY - 9)
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(s.color()).append("\"/>\n");
            svg.append(text(LEFT + 28, legendY + 1, "start", s.name()));
            legendY += 18;
        }
        return close(svg);
    }

    /** Lines on linear axes from zero, each point marked; for latency against RTT. */
    static String xy(List<Line> lines, int width, int height, String xLabel, String yLabel) {
        double maxX = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[0]).max().orElse(1);
        double maxY = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
        maxX = niceCeiling(Math.max(maxX, 1));
        maxY = niceCeiling(Math.max(maxY, 1));
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder svg = open(width, height, yLabel + " against " + xLabel);
        for (int i = 0; i <= 4; i++) {
            double x = LEFT + plotW * i / 4.0;
            double y = TOP + plotH * (1 - i / 4.0);
            svg.append(line(x, TOP, x, TOP + plotH, "#ddd"));
            svg.append(text(x, TOP + plotH + 16, "middle", Numbers.ratio(maxX * i / 4)));
            svg.append(line(LEFT, y, LEFT + plotW, y, "#ddd"));
            svg.append(text(LEFT - 6, y + 4, "end", Numbers.tickMillis(maxY * i / 4)));
        }
        svg.append(text(LEFT + plotW / 2.0, height - 6, "middle", xLabel));
        int legendY = TOP + 14;
        for (Line l : lines) {
            StringBuilder points = new StringBuilder();
            for (double[] p : l.points()) {
                double x = LEFT + plotW * p[0] / maxX;
                double y = TOP + plotH * (1 - p[1] / maxY);
                points.append(fmt(x)).append(',').append(fmt(y)).append(' ');
                svg.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                        .append("\" r=\"3\" fill=\"").append(l.color()).append("\"/>\n");
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(l.color())
                    .append("\" points=\"").append(points.toString().trim()).append("\"><title>")
                    .append(Html.escape(l.name())).append("</title></polyline>\n");
            svg.append("<rect x=\"").append(LEFT + 10).append("\" y=\"").append(legendY - 9)
                    .append("\" width=\"12\" height=\"12\" fill=\"").append(l.color()).append("\"/>\n");
            svg.append(text(LEFT + 28, legendY + 1, "start", l.name()));
            legendY += 18;
        }
        return close(svg);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    private static double niceCeiling(double v) {
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * power >= v) {
                return m * power;
            }
        }
        return 10 * power;
    }

    /** Horizontal bars on a linear scale from zero, each labelled with its value. */
    static String bars(List<Bar> bars, int width, String title) {
        int rowH = 26;
        int height = TOP + rowH * bars.size() + 10;
        int labelW = 90;
        int valueW = 80;
        int plotW = width - labelW - valueW - RIGHT;
        double max = bars.stream().filter(b -> b.value() != null).mapToDouble(Bar::value).max().orElse(1);
        if (max <= 0) {
            max = 1;
        }
        StringBuilder svg = open(width, height, title);
        int y = TOP;
        for (Bar bar : bars) {
            svg.append(text(labelW - 8, y + 15, "end", bar.name()));
            double w = bar.value() == null ? 0 : Math.max(1, plotW * bar.value() / max);
            if (bar.value() != null) {
                svg.append("<rect x=\"").append(labelW).append("\" y=\"").append(y + 3).append("\" width=\"")
                        .append(fmt(w)).append("\" height=\"").append(rowH - 8).append("\" fill=\"")
                        .append(bar.color()).append("\"/>\n");
            }
            svg.append(text(labelW + w + 6, y + 15, "start", Numbers.ratio(bar.value())));
            y += rowH;
        }
        return close(svg);
    }

    private static StringBuilder open(int width, int height, String title) {
        return new StringBuilder(4096).append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n<title>")
                .append(Html.escape(title)).append("</title>\n");
    }

    private static String close(StringBuilder svg) {
        return svg.append("</svg>\n").toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + color + "\"/>\n";
    }

    private static String text(double x, double y, String anchor, String content) {
        return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">"
                + Html.escape(content) + "</text>\n";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
