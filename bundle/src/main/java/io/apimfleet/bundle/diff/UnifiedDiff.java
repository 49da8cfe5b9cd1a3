package io.apimfleet.bundle.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u} format, three lines of context) of two texts. The common
 * head and tail are cut before the line matching, so a local edit in a large file stays cheap.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    private static final int MAX_MATCH_CELLS = 16_000_000;

    private UnifiedDiff() {
    }

    private enum Kind { SAME, REMOVED, ADDED }

    private record Line(Kind kind, String text, int oldNo, int newNo) {
    }

    public static String of(String path, String before, String after) {
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<Line> script = script(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(before == null ? "/dev/null" : "a/" + path).append('\n');
        out.append("+++ ").append(after == null ? "/dev/null" : "b/" + path).append('\n');
        int i = 0;
        while (i < script.size()) {
            if (script.get(i).kind() == Kind.SAME) {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // Extend the hunk while changes are closer than twice the context.
            while (end < script.size()) {
                int nextChange = end;
                while (nextChange < script.size() && script.get(nextChange).kind() == Kind.SAME) {
                    nextChange++;
                }
                if (nextChange >= script.size() || nextChange - end > 2 * CONTEXT) {
                    end = Math.min(script.size(), end + CONTEXT);
                    break;
                }
                end = nextChange + 1;
            }
            appendHunk(out, script.subList(start, end));
            i = end;
        }
        return out.toString();
    }

    private static void appendHunk(StringBuilder out, List<Line> hunk) {
        int oldStart = 0;
        int newStart = 0;
        int oldCount = 0;
        int newCount = 0;
        for (Line l : hunk) {
            if (l.kind() != Kind.ADDED) {
                oldStart = oldStart == 0 ? l.oldNo() : oldStart;
                oldCount++;
            }
            if (l.kind() != Kind.REMOVED) {
                newStart = newStart == 0 ? l.newNo() : newStart;
                newCount++;
            }
        }
        if (oldCount == 0) {
            oldStart = Math.max(0, hunk.get(0).oldNo() - 1);
        }
        if (newCount == 0) {
            newStart = Math.max(0, hunk.get(0).newNo() - 1);
        }
        out.append("@@ -").append(oldStart).append(',').append(oldCount)
                .append(" +").append(newStart).append(',').append(newCount).append(" @@\n");
        for (Line l : hunk) {
            out.append(switch (l.kind()) {
                case SAME -> ' ';
                case REMOVED -> '-';
                case ADDED -> '+';
            }).append(l.text()).append('\n');
        }
    }

    private static List<Line> script(List<String> a, List<String> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < head; i++) {
            out.add(new Line(Kind.SAME, a.get(i), i + 1, i + 1));
        }
        middle(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail), head, out);
        for (int i = tail; i > 0; i--) {
            int ai = a.size() - i;
            int bi = b.size() - i;
            out.add(new Line(Kind.SAME, a.get(ai), ai + 1, bi + 1));
        }
        return out;
    }

    /** Longest-common-subsequence matching of the differing middle. */
    private static void middle(List<String> a, List<String> b, int offset, List<Line> out) {
        int n = a.size();
        int m = b.size();
        if ((long) n * m > MAX_MATCH_CELLS) {
            for (int i = 0; i < n; i++) {
                out.add(new Line(Kind.REMOVED, a.get(i), offset + i + 1, offset + 1));
            }
            for (int j = 0; j < m; j++) {
                out.add(new Line(Kind.ADDED, b.get(j), offset + n + 1, offset + j + 1));
            }
            return;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                out.add(new Line(Kind.SAME, a.get(i), offset + i + 1, offset + j + 1));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add(new Line(Kind.REMOVED, a.get(i), offset + i + 1, offset + j + 1));   // removals first, as diff -u
                i++;
            } else {
                out.add(new Line(Kind.ADDED, b.get(j), offset + i + 1, offset + j + 1));
                j++;
            }
        }
    }

    /** Lines without their terminators (a CR of CRLF included), so CRLF files diff like others. */
    private static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split("\r?\n", -1);
        List<String> out = new ArrayList<>(List.of(parts));
        if (text.endsWith("\n")) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
