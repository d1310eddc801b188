package io.jaio.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON output ({@code -rf json}) into the README's performance table (Markdown) and
 * a bar chart of jaio's ratio to each peer (SVG). Each group compares benchmarks of one class
 * (TreeBench: of one workload; RandomReadBench's two-application-thread rows apart) from
 * one run; ratios are "how many times the peer's throughput jaio achieves" (for average
 * time, the inverse), so above 1 means jaio is faster.
 *
 * <pre>java -cp target/benchmarks.jar io.jaio.bench.Report results.json table.md chart.svg</pre>
 */
public final class Report {
    private Report() {}

    record Row(String group, String benchmark, double score, double error, String unit, String mode) {
        boolean isJaio() {
            return benchmark.startsWith("jaio");
        }

        /** Higher is better, whatever the mode. */
        double goodness() {
            return mode.equals("thrpt") ? score : 1.0 / score;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Report RESULTS.json TABLE.md CHART.svg");
            System.exit(2);
        }
        JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        List<Row> rows = new ArrayList<>();
        for (JsonNode b : root) {
            String full = b.get("benchmark").asText();
            String cls = full.substring(0, full.lastIndexOf('.'));
            String group = cls.substring(cls.lastIndexOf('.') + 1);
            String name = full.substring(full.lastIndexOf('.') + 1);
            if (group.equals("TreeBench")) {
                // stat*, scan*, openClose*: each workload its own group, named without its
                // prefix; any other name stays in the class's group as it is
                for (String kind : new String[] {"openClose", "stat", "scan"}) {
                    if (name.startsWith(kind) && name.length() > kind.length()) {
                        group = "TreeBench." + kind;
                        name = name.substring(kind.length(), kind.length() + 1).toLowerCase(Locale.ROOT)
                                + name.substring(kind.length() + 1);
                        break;
                    }
                }
            } else if (group.equals("RandomReadBench") && name.endsWith("2Threads")) {
                group = "RandomReadBench, 2 threads";    // compared only with each other: as many application threads
            }
            JsonNode m = b.get("primaryMetric");
            rows.add(new Row(group, name, m.get("score").asDouble(), m.get("scoreError").asDouble(),
                    m.get("scoreUnit").asText(), b.get("mode").asText()));
        }
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
        }
        Files.writeString(Path.of(args[1]), table(groups));
        Files.writeString(Path.of(args[2]), chart(groups));
    }

    /** jaio's best benchmark in the group, against which peers are compared. */
    static Row bestJaio(List<Row> g) {
        Row best = null;
        for (Row r : g) {
            if (r.isJaio() && (best == null || r.goodness() > best.goodness())) best = r;
        }
        return best;
    }

    static String table(Map<String, List<Row>> groups) {
        StringBuilder sb = new StringBuilder();
        sb.append("| group | benchmark | score | error | unit | best jaio ÷ this |\n");
        sb.append("| --- | --- | ---: | ---: | --- | ---: |\n");
        for (var e : groups.entrySet()) {
            Row best = bestJaio(e.getValue());
            for (Row r : e.getValue()) {
                String ratio = best == null ? "" : String.format(Locale.ROOT, "%.2f×", best.goodness() / r.goodness());
                sb.append(String.format(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %s | %s |%n",
                        e.getKey(), r.benchmark(), r.score(), r.error(), r.unit(), ratio));
            }
        }
        return sb.toString();
    }

    static String chart(Map<String, List<Row>> groups) {
        List<String[]> bars = new ArrayList<>();    // label, ratio
        for (var e : groups.entrySet()) {
            Row best = bestJaio(e.getValue());
            if (best == null) continue;
            for (Row r : e.getValue()) {
                if (r.isJaio()) continue;
                bars.add(new String[] {e.getKey() + ": vs " + r.benchmark(),
                        Double.toString(best.goodness() / r.goodness())});
            }
        }
        double max = 2.0;
        for (String[] b : bars) max = Math.max(max, Double.parseDouble(b[1]));
        int rowH = 26, left = 430, width = 900, top = 40;
        int height = top + rowH * bars.size() + 40;
        double scale = (width - left - 60) / max;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">%n",
                width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">jaio's best ÷ peer (higher is better; the line marks 1.0)</text>\n");
        for (int i = 0; i < bars.size(); i++) {
            double ratio = Double.parseDouble(bars.get(i)[1]);
            int y = top + i * rowH;
            String color = ratio >= 1.0 ? "#2e7d32" : "#c62828";
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    left - 8, y + 17, escape(bars.get(i)[0])));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    left, y + 4, ratio * scale, rowH - 8, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%.2f×</text>%n",
                    left + ratio * scale + 6, y + 17, ratio));
        }
        double one = left + scale;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"4\"/>%n",
                one, top, one, top + rowH * bars.size()));
        sb.append("</svg>\n");
        return sb.toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
