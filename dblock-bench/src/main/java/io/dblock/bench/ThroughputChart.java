package io.dblock.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** contended-throughput.png: contended throughput against thread count, one panel per engine. */
final class ThroughputChart {

    private ThroughputChart() {}

    /** Writes the chart, or nothing if no contended throughput was measured. */
    static void write(Results results, List<Target> targets, BenchMode mode, Path file) throws IOException {
        List<CategoryChart> charts = new ArrayList<>();
        for (Target t : targets) {
            CategoryChart chart = chart(results, t, mode);
            if (!chart.getSeriesMap().isEmpty()) {
                charts.add(chart);
            }
        }
        if (charts.isEmpty()) {
            return; // the contended scenario did not run (--scenarios without it): no chart
        }
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(Results results, Target target, BenchMode mode) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(640)
                .height(480)
                .title("One key, no hold: " + target.displayName())
                .xAxisTitle("threads, each a node with its own connection")
                .yAxisTitle("acquire + release per second")
                .build();
        CategoryStyler styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        styler.setOverlapped(true); // one x position per thread count, not one per series
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setYAxisMin(0.0);
        styler.setYAxisDecimalPattern("#,###");
        List<String> threads =
                mode.contendedThreads().stream().map(String::valueOf).toList();
        for (Peer p : mode.peers()) {
            List<Double> y = new ArrayList<>();
            for (int n : mode.contendedThreads()) {
                y.add(results.contended(target.engine(), p, n)
                        .map(Results.Contended::opsPerSec)
                        .orElse(null));
            }
            if (y.stream().anyMatch(java.util.Objects::nonNull)) {
                chart.addSeries(p.label, threads, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }
}
