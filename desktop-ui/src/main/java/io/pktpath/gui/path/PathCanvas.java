package io.pktpath.gui.path;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Paints a {@link PathDiagram}: the hook pipeline as boxes (PREROUTING → routing → FORWARD or INPUT → local process →
 * output routing → OUTPUT → POSTROUTING) with the tables at each hook, the packet's way through it highlighted, NAT
 * rewrites, route and neighbor decisions under their boxes, and the stage that dropped it in red with the rule named.
 */
public final class PathCanvas extends Canvas {
    static final double BOX_W = 150;
    static final double BOX_H = 58;
    private static final double WIDTH = 930;
    private static final double HEIGHT = 440;
    private static final Map<Stage, double[]> AT = new EnumMap<>(Stage.class);
    private static final Stage[][] EDGES = {
        {Stage.PREROUTING, Stage.ROUTING_IN}, {Stage.ROUTING_IN, Stage.FORWARD}, {Stage.FORWARD, Stage.POSTROUTING},
        {Stage.ROUTING_IN, Stage.INPUT}, {Stage.INPUT, Stage.LOCAL}, {Stage.LOCAL, Stage.ROUTING_OUT},
        {Stage.ROUTING_OUT, Stage.OUTPUT}, {Stage.OUTPUT, Stage.POSTROUTING}};
    private static final Color PATH = Color.web("#1f6fd1");
    private static final Color FAIL = Color.web("#c62828");

    static {
        AT.put(Stage.PREROUTING, new double[] {10, 70});
        AT.put(Stage.ROUTING_IN, new double[] {225, 70});
        AT.put(Stage.FORWARD, new double[] {475, 70});
        AT.put(Stage.POSTROUTING, new double[] {770, 70});
        AT.put(Stage.INPUT, new double[] {225, 270});
        AT.put(Stage.LOCAL, new double[] {405, 270});
        AT.put(Stage.ROUTING_OUT, new double[] {585, 270});
        AT.put(Stage.OUTPUT, new double[] {770, 270});
    }

    private final List<String> drawn = new ArrayList<>();

    public PathCanvas() {
        super(WIDTH, HEIGHT);
        setId("pathCanvas");
    }

    /** Every text painted by the last {@link #paint}, in order (what a person sees on the drawing). */
    public List<String> drawnText() {
        return List.copyOf(drawn);
    }

    /** Repaints with {@code diagram}. */
    public void paint(PathDiagram diagram) {
        drawn.clear();
        GraphicsContext g = getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, getWidth(), getHeight());
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        Font bold = Font.font("System", FontWeight.BOLD, 13);
        double y = 8;
        for (String line : wrap(diagram.headline(), bold, WIDTH - 30)) {
            text(g, line, 12, y, bold, diagram.failedAt().isPresent() ? FAIL : Color.BLACK);
            y += 17;
            if (y > 50) {
                break;
            }
        }
        for (Stage[] e : EDGES) {
            edge(g, e[0], e[1], Color.web("#b0b0b0"), 1.5);
        }
        List<Stage> route = diagram.route();
        for (int i = 0; i + 1 < route.size(); i++) {
            edge(g, route.get(i), route.get(i + 1), PATH, 4);
        }
        for (StageView s : diagram.stages()) {
            box(g, s);
        }
    }

    private void box(GraphicsContext g, StageView s) {
        double[] p = AT.get(s.stage());
        Color stroke = s.failed() ? FAIL : s.visited() ? PATH : Color.web("#9e9e9e");
        g.setFill(s.failed() ? Color.web("#fde0e0") : s.visited() ? Color.web("#e3efff") : Color.web("#f4f4f4"));
        g.fillRoundRect(p[0], p[1], BOX_W, BOX_H, 10, 10);
        g.setStroke(stroke);
        g.setLineWidth(s.visited() ? 2.5 : 1);
        g.strokeRoundRect(p[0], p[1], BOX_W, BOX_H, 10, 10);
        Font title = Font.font("System", FontWeight.BOLD, 13);
        text(g, s.stage().title(), p[0] + 8, p[1] + 6, title, s.visited() ? Color.BLACK : Color.web("#777777"));
        if (!s.tables().isEmpty()) {
            text(g, String.join(" · ", s.tables()), p[0] + 8, p[1] + 30, Font.font("System", 11), Color.web("#444444"));
        }
        double y = p[1] + BOX_H + 4;
        double maxWidth = room(s.stage());
        Font small = Font.font("System", 11);
        Font strong = Font.font("System", FontWeight.BOLD, 11);
        for (String line : s.lines()) {
            boolean decision = line.startsWith("route") || line.startsWith("neighbor");
            Color c = line.startsWith("✖") ? FAIL : decision ? Color.web("#2e7d32") : Color.web("#b35c00");
            Font f = decision ? small : strong;
            for (String part : wrap(line, f, maxWidth)) {
                text(g, part, p[0] + 2, y, f, c);
                y += 14;
            }
        }
    }

    /** How wide the text under a box may be: up to the next box of its row, or the canvas edge. */
    private static double room(Stage s) {
        double[] p = AT.get(s);
        double next = WIDTH;
        for (double[] q : AT.values()) {
            if (Math.abs(q[1] - p[1]) < 1 && q[0] > p[0]) {
                next = Math.min(next, q[0]);
            }
        }
        return next - p[0] - 8;
    }

    private void edge(GraphicsContext g, Stage from, Stage to, Color color, double width) {
        double[] a = AT.get(from);
        double[] b = AT.get(to);
        double x1;
        double y1;
        double x2;
        double y2;
        if (Math.abs(a[1] - b[1]) < 1) {
            boolean right = b[0] > a[0];
            x1 = right ? a[0] + BOX_W : a[0];
            x2 = right ? b[0] : b[0] + BOX_W;
            y1 = a[1] + BOX_H / 2;
            y2 = y1;
        } else {
            x1 = a[0] + BOX_W / 2;
            x2 = b[0] + BOX_W / 2;
            boolean down = b[1] > a[1];
            y1 = down ? a[1] + BOX_H : a[1];
            y2 = down ? b[1] : b[1] + BOX_H;
        }
        g.setStroke(color);
        g.setFill(color);
        g.setLineWidth(width);
        g.strokeLine(x1, y1, x2, y2);
        double angle = Math.atan2(y2 - y1, x2 - x1);
        double len = 6 + width * 2;
        g.fillPolygon(new double[] {x2, x2 - len * Math.cos(angle - 0.4), x2 - len * Math.cos(angle + 0.4)},
                new double[] {y2, y2 - len * Math.sin(angle - 0.4), y2 - len * Math.sin(angle + 0.4)}, 3);
    }

    private void text(GraphicsContext g, String s, double x, double y, Font font, Color color) {
        g.setFont(font);
        g.setFill(color);
        g.fillText(s, x, y);
        drawn.add(s);
    }

    /** Splits {@code s} at spaces into lines no wider than {@code max} (a word longer than that stays whole). */
    static List<String> wrap(String s, Font font, double max) {
        Text measure = new Text();
        measure.setFont(font);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            measure.setText(candidate);
            if (measure.getLayoutBounds().getWidth() > max && line.length() > 0) {
                lines.add(line.toString());
                line = new StringBuilder("    ").append(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
