package io.dblock.cli.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Lays out rows of cells in aligned columns separated by two spaces, under a header row, fitting a line width.
 *
 * <p>Every column but the last is as wide as its widest cell, up to the column's maximum; the last column (the one for
 * long text such as queries) takes what is left of the line. When that would leave the last column fewer than {@value
 * #WANTED_LAST_WIDTH} characters, the other columns give up width, the widest first, down to their minimum; the last
 * column never gets fewer than {@value #MIN_LAST_WIDTH}. Cells longer than their column are {@linkplain Text#cut cut}.
 *
 * <p>Cells are printed as given, leading spaces included (the tree's indentation): callers make server-supplied text
 * {@linkplain Text#oneLine one line} first. Not thread-safe.
 */
final class TextTable {

    /** The narrowest the last column gets, however little room the other columns leave. */
    static final int MIN_LAST_WIDTH = 20;

    /** The last column's width that the other columns shrink for. */
    static final int WANTED_LAST_WIDTH = 40;

    private static final String GAP = "  ";

    /**
     * A column.
     *
     * @param header its heading
     * @param minWidth the narrowest it may become to make room for the last column (at least the header's length;
     *     ignored for the last column)
     * @param maxWidth the most characters a cell keeps (ignored for the last column)
     */
    record Column(String header, int minWidth, int maxWidth) {

        /** A column whose cells are never cut: ids and the like. */
        static Column fixed(String header) {
            return new Column(header, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
    }

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    /** Adds a row: one cell per column, in order. */
    void add(List<String> cells) {
        if (cells.size() != columns.size()) {
            throw new IllegalArgumentException(
                    "a row needs " + columns.size() + " cells, got " + cells.size() + ": " + cells);
        }
        rows.add(List.copyOf(cells));
    }

    /**
     * The header and the rows, laid out.
     *
     * @param width the line width to fit, or 0 or less for no limit (then nothing is cut)
     * @return the lines, without trailing spaces
     */
    List<String> lines(int width) {
        int last = columns.size() - 1;
        int[] widths = new int[columns.size()];
        for (int c = 0; c <= last; c++) {
            widths[c] = columns.get(c).header().length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
            if (c < last && width > 0) {
                widths[c] = Math.min(widths[c], columns.get(c).maxWidth());
            }
        }
        if (width > 0) {
            fit(widths, width);
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(columns.stream().map(Column::header).toList(), widths));
        for (List<String> row : rows) {
            lines.add(line(row, widths));
        }
        return lines;
    }

    /** Narrows the columns, the widest first, until the last one has the room it wants or nothing can give. */
    private void fit(int[] widths, int width) {
        int last = widths.length - 1;
        int wanted = Math.min(widths[last], WANTED_LAST_WIDTH);
        while (used(widths) + wanted > width) {
            int widest = -1;
            for (int c = 0; c < last; c++) {
                int min = Math.max(
                        columns.get(c).minWidth(), columns.get(c).header().length());
                if (widths[c] > min && (widest < 0 || widths[c] > widths[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                break;
            }
            widths[widest]--;
        }
        widths[last] = Math.min(widths[last], Math.max(MIN_LAST_WIDTH, width - used(widths)));
    }

    /** The width of every column but the last, with the gaps after them. */
    private static int used(int[] widths) {
        int used = 0;
        for (int c = 0; c < widths.length - 1; c++) {
            used += widths[c] + GAP.length();
        }
        return used;
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = Text.cut(cells.get(c), widths[c]);
            line.append(c == cells.size() - 1 ? cell : Text.pad(cell, widths[c]) + GAP);
        }
        return line.toString().stripTrailing();
    }
}
