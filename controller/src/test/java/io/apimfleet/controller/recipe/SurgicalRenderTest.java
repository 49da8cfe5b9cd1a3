package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.xml.XPath;
import io.apimfleet.bundle.xml.XmlComment;
import io.apimfleet.bundle.xml.XmlDocument;
import io.apimfleet.bundle.xml.XmlElement;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Node;
import io.apimfleet.protocol.bundle.FileMove;
import io.apimfleet.protocol.bundle.Operation;
import io.apimfleet.protocol.bundle.PropertiesSet;
import io.apimfleet.protocol.bundle.XmlOperation;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rendered home differs from the shipped one only in the files a recipe names and, inside
 * them, only in the elements (or property lines) it edits: with those cut out of both versions,
 * the two are byte-identical.
 */
class SurgicalRenderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"five-node.yaml", "seven-node.yaml", "one-host-offsets.yaml"})
    void everyRenderedNodeChangesOnlyTheElementsItsRecipeEdits(String specName) throws Exception {
        ClusterSpec spec = ApimHomes.spec(specName);
        Path original = ApimHomes.copyOfReal(dir.resolve("original"));
        for (Node node : spec.nodes()) {
            if (!node.role().isApim()) {
                continue;
            }
            Rendered r = Rendered.render(spec, node.name(), dir.resolve(specName));
            Map<String, String> sourceOf = new HashMap<>();
            Map<String, List<String>> edited = new HashMap<>();
            Set<String> named = new HashSet<>();
            for (Operation op : r.bundle().operations()) {
                named.addAll(op.paths());
                if (op instanceof FileMove m) {
                    sourceOf.put(m.to(), m.from());
                }
                String key = op instanceof XmlOperation x ? x.xpath() : op instanceof PropertiesSet p ? p.key() : null;
                if (key != null) {
                    edited.computeIfAbsent(op.paths().get(0), f -> new ArrayList<>()).add(key);
                }
            }
            for (String file : files(r.home())) {
                Path before = original.resolve(sourceOf.getOrDefault(file, file));
                byte[] after = Files.readAllBytes(r.home().resolve(file));
                if (!edited.containsKey(file)) {
                    assertThat(after).as("%s: %s is not edited, so it is as shipped", node.name(), file).isEqualTo(Files.readAllBytes(before));
                    continue;
                }
                String was = latin1(Files.readAllBytes(before));
                String now = latin1(after);
                if (file.endsWith(".properties")) {
                    assertThat(withoutKeys(now, edited.get(file))).as("%s: %s outside the keys set", node.name(), file)
                            .isEqualTo(withoutKeys(was, edited.get(file)));
                } else {
                    assertThat(withoutElements(now, edited.get(file))).as("%s: %s outside the edited elements", node.name(), file)
                            .isEqualTo(withoutElements(was, edited.get(file)));
                }
            }
            Set<String> gone = new TreeSet<>(files(original));
            gone.removeAll(files(r.home()));
            assertThat(named).as("%s: every file that is gone was named by an operation", node.name())
                    .containsAll(gone.stream().map(SurgicalRenderTest::topEntry).toList());
        }
    }

    /** The text with every element the XPaths reach (active, or commented out) cut out, with the blanks before it. */
    private static String withoutElements(String text, List<String> xpaths) throws Exception {
        XmlDocument doc = XmlDocument.parse(text);
        List<int[]> spans = new ArrayList<>();
        for (String xpath : xpaths) {
            XPath path = XPath.compile(xpath);
            for (XmlElement e : path.select(doc)) {
                spans.add(new int[] {e.start(), e.end()});
            }
            for (XmlElement e : path.selectCommented(doc)) {
                XmlComment c = e.commentedIn();
                spans.add(new int[] {c.start(), c.end()});
            }
        }
        spans.sort(Comparator.comparingInt((int[] s) -> s[0]).thenComparingInt(s -> -s[1]));
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] span : spans) {
            if (span[0] < at) {
                continue;   // inside a span already cut
            }
            int start = span[0];
            while (start > at && Character.isWhitespace(text.charAt(start - 1))) {
                start--;
            }
            out.append(text, at, start);
            at = span[1];
        }
        return out.append(text.substring(at)).toString();
    }

    private static String withoutKeys(String text, List<String> keys) {
        return text.lines().filter(l -> keys.stream().noneMatch(k -> l.startsWith(k + " ") || l.startsWith(k + "="))).toList().toString();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The first two levels below deployment/server (a pruned webapp) or the path itself. */
    private static String topEntry(String path) {
        String[] parts = path.split("/");
        if (path.startsWith("repository/deployment/server/webapps/") || path.startsWith("repository/deployment/server/jaggeryapps/")) {
            return String.join("/", parts[0], parts[1], parts[2], parts[3]);
        }
        return path;
    }

    private static Set<String> files(Path home) throws Exception {
        try (Stream<Path> all = Files.walk(home)) {
            Set<String> files = new TreeSet<>();
            all.filter(Files::isRegularFile).forEach(p -> files.add(home.relativize(p).toString()));
            return files;
        }
    }
}
