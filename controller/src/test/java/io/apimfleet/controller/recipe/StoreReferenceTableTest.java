package io.apimfleet.controller.recipe;

import io.apimfleet.bundle.xml.XPath;
import io.apimfleet.bundle.xml.XmlDocument;
import io.apimfleet.bundle.xml.XmlElement;
import io.apimfleet.bundle.xml.XmlSyntaxException;
import io.apimfleet.bundle.xml.XmlText;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StoreReference#ALL} against the real API-M 2.2.0 files: every entry points at something
 * that ships, holds the shipped store or password, and nothing that names a store is left out.
 */
class StoreReferenceTableTest {
    private static final String SHIPPED_PASSWORD = "wso2carbon";
    /** cipher-text.properties holds plain-text secrets in brackets. */
    private static final String SHIPPED_CIPHER_TEXT = "[" + SHIPPED_PASSWORD + "]";

    /**
     * One place a shipped file holds a value: an element's own text, one of its attributes, or a
     * properties key. {@code offset} is the element's start (XML) or -1 (properties).
     */
    private record Occurrence(String file, int offset, String attribute, String key, String label, String value) {
        static Occurrence text(String file, String source, XmlElement e, String value) {
            String name = e.attribute("name").map(a -> " name=\"" + a.value() + "\"").orElse("");
            return new Occurrence(file, e.start(), null, null, file + ":" + line(source, e.start()) + " <" + e.name() + name + ">", value);
        }

        static Occurrence attribute(String file, String source, XmlElement e, String attribute, String value) {
            return new Occurrence(file, e.start(), attribute, null,
                    file + ":" + line(source, e.start()) + " <" + e.name() + " " + attribute + "=...>", value);
        }

        static Occurrence property(String file, String key, String value) {
            return new Occurrence(file, -1, null, key, file + " " + key, value);
        }

        /** The same place, whatever the value. */
        String place() {
            return file + "|" + offset + "|" + attribute + "|" + key;
        }

        @Override
        public String toString() {
            return label + " = " + value;
        }
    }

    @Test
    void everyEntryWhoseFileShipsMatchesAnActiveElementOrKey() {
        Path real = ApimHomes.real220();
        List<String> unmatched = new ArrayList<>();
        for (StoreReference ref : StoreReference.ALL) {
            if (Files.isRegularFile(real.resolve(ref.file())) && matches(real, ref).isEmpty()) {
                unmatched.add(describe(ref));
            }
        }

        assertThat(unmatched).as("table entries that match no active element or key of the shipped file").isEmpty();
    }

    @Test
    void everyLocationEntryNamesTheShippedStoreFile() {
        Path real = ApimHomes.real220();
        List<String> wrong = new ArrayList<>();
        for (StoreReference ref : locations()) {
            for (Occurrence found : matches(real, ref)) {
                if (!found.value().strip().endsWith("/" + ref.shippedStoreFile())) {
                    wrong.add(found + " (expected " + ref.shippedStoreFile() + " for " + ref.store() + ")");
                }
            }
        }

        assertThat(wrong).isEmpty();
    }

    @Test
    void everyPasswordEntryHoldsTheShippedPassword() {
        Path real = ApimHomes.real220();
        List<String> wrong = new ArrayList<>();
        for (StoreReference ref : StoreReference.ALL) {
            if (ref.field() == StoreReference.Field.LOCATION) {
                continue;
            }
            String expected = ref.file().equals(ApimFiles.CIPHER_TEXT) ? SHIPPED_CIPHER_TEXT : SHIPPED_PASSWORD;
            for (Occurrence found : matches(real, ref)) {
                if (!found.value().strip().equals(expected)) {
                    wrong.add(found + " (expected " + expected + ")");
                }
            }
        }

        assertThat(wrong).isEmpty();
    }

    @Test
    void everyActiveValueNamingAKeystoreIsInTheTable() {
        Path real = ApimHomes.real220();
        List<Occurrence> naming = activeValues(real).stream().filter(o -> o.value().contains(".jks")).toList();
        Set<String> covered = covered(real, StoreReference.ALL);

        List<Occurrence> uncovered = naming.stream().filter(o -> !covered.contains(o.place())).toList();

        assertThat(naming).as("active .jks references in the shipped files").isNotEmpty();
        assertThat(uncovered).as("active .jks references no table entry matches").isEmpty();
    }

    /**
     * A password held beside a location the table rewrites belongs to that store: if the table
     * left it out, the rewritten store would be opened with the shipped password.
     */
    @Test
    void everyShippedStorePasswordBesideATableLocationIsInTheTable() {
        Path real = ApimHomes.real220();
        Set<String> passwords = covered(real, StoreReference.ALL.stream()
                .filter(r -> r.field() != StoreReference.Field.LOCATION).toList());
        Set<Occurrence> beside = new LinkedHashSet<>();
        for (StoreReference ref : locations()) {
            beside.addAll(shippedPasswordsBeside(real, ref));
        }

        List<Occurrence> uncovered = beside.stream().filter(o -> !passwords.contains(o.place())).toList();

        assertThat(beside).as("shipped store passwords beside table locations").isNotEmpty();
        assertThat(uncovered).as("store passwords beside a table location that no PASSWORD/KEY_PASSWORD entry matches")
                .isEmpty();
    }

    @Test
    void everyFileTheManifestNamesForTheDefaultKeystoresIsInTheTable() throws IOException {
        Path real = ApimHomes.real220();
        String section = section(Files.readString(real.resolve("MANIFEST.md")), "## Default keystores");
        Set<String> named = new TreeSet<>();
        Matcher file = Pattern.compile("[\\w.-]+\\.xml").matcher(String.join("\n",
                section.lines().filter(l -> l.contains("Referenced by")).toList()));
        while (file.find()) {
            named.add(file.group());
        }

        assertThat(named).as("files the MANIFEST's Default keystores section names").isNotEmpty();
        assertNamedFilesWithReferencesAreInTheTable(real, named);
    }

    @Test
    void everyAddedFileTheManifestListsWithAnActiveReferenceIsInTheTable() throws IOException {
        Path real = ApimHomes.real220();
        String section = section(Files.readString(real.resolve("MANIFEST.md")),
                "### Keystore / trust store references in the added files");
        Set<String> named = new TreeSet<>();
        section.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| file ")).forEach(row -> {
            String cell = row.substring(2, row.indexOf('|', 2)).replaceAll("\\(.*?\\)", "");
            for (String name : cell.split(",")) {
                named.add(name.strip());
            }
        });

        assertThat(named).as("files the MANIFEST's added-files table names").isNotEmpty();
        assertNamedFilesWithReferencesAreInTheTable(real, named);
    }

    /**
     * Each name (a file name, a path tail, or a glob such as {@code api/_*API_.xml}) must resolve
     * to shipped files; those holding an active store reference must have a table entry.
     */
    private static void assertNamedFilesWithReferencesAreInTheTable(Path real, Set<String> names) {
        List<String> all = shippedFiles(real);
        Set<String> inTable = new TreeSet<>();
        StoreReference.ALL.forEach(r -> inTable.add(r.file()));
        List<String> unresolved = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        for (String name : names) {
            Pattern tail = Pattern.compile("(^|.*/)" + Pattern.quote(name).replace("*", "\\E[^/]*\\Q"));
            List<String> files = all.stream().filter(f -> tail.matcher(f).matches()).toList();
            if (files.isEmpty()) {
                unresolved.add(name);
            }
            for (String f : files) {
                boolean holdsReference = activeValues(real, f).stream().anyMatch(o -> namesOrUnlocksAStore(o.value()));
                if (holdsReference && !inTable.contains(f)) {
                    missing.add(f + " (MANIFEST: " + name + ")");
                }
            }
        }

        assertThat(unresolved).as("names in MANIFEST.md that match no shipped file").isEmpty();
        assertThat(missing).as("files holding an active store reference with no table entry").isEmpty();
    }

    private static boolean namesOrUnlocksAStore(String value) {
        String v = value.strip();
        return v.contains(".jks") || v.equals(SHIPPED_PASSWORD) || v.equals(SHIPPED_CIPHER_TEXT);
    }

    private static List<StoreReference> locations() {
        return StoreReference.ALL.stream().filter(r -> r.field() == StoreReference.Field.LOCATION).toList();
    }

    private static String describe(StoreReference ref) {
        return ref.file() + " " + (ref.xpath() != null ? ref.xpath() : "") + (ref.name() != null ? " [" + ref.name() + "]" : "")
                + " (" + ref.store() + " " + ref.field() + ")";
    }

    // ---- what a table entry matches in the shipped files ----

    private static Set<String> covered(Path real, List<StoreReference> refs) {
        Set<String> places = new LinkedHashSet<>();
        refs.forEach(r -> matches(real, r).forEach(o -> places.add(o.place())));
        return places;
    }

    /** The active elements (with the attribute, when named) or the key an entry matches; none when the file is absent. */
    private static List<Occurrence> matches(Path real, StoreReference ref) {
        Path file = real.resolve(ref.file());
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String source = read(file);
        if (ref.xpath() == null) {
            String value = properties(source).getProperty(ref.name());
            return value == null ? List.of() : List.of(Occurrence.property(ref.file(), ref.name(), value));
        }
        List<Occurrence> found = new ArrayList<>();
        for (XmlElement e : select(ref.xpath(), parse(ref.file(), source))) {
            if (ref.name() == null) {
                found.add(Occurrence.text(ref.file(), source, e, e.text(source)));
            } else {
                e.attribute(ref.name()).ifPresent(a -> found.add(Occurrence.attribute(ref.file(), source, e, ref.name(), a.value())));
            }
        }
        return found;
    }

    /** Shipped store passwords sitting beside what a LOCATION entry matches. */
    private static List<Occurrence> shippedPasswordsBeside(Path real, StoreReference location) {
        Path file = real.resolve(location.file());
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String source = read(file);
        List<Occurrence> found = new ArrayList<>();
        if (location.xpath() == null) {
            // A properties file: every key naming a store that holds the shipped password.
            Properties p = properties(source);
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                String value = p.getProperty(key).strip();
                if (key.toLowerCase().contains("store") && (value.equals(SHIPPED_PASSWORD) || value.equals(SHIPPED_CIPHER_TEXT))) {
                    found.add(Occurrence.property(location.file(), key, value));
                }
            }
            return found;
        }
        for (XmlElement e : select(location.xpath(), parse(location.file(), source))) {
            if (location.name() != null) {
                // An attribute: its fellow attributes on the same element.
                for (XmlElement.Attribute a : e.attributes()) {
                    if (isPasswordName(a.localName()) && a.value().strip().equals(SHIPPED_PASSWORD)) {
                        found.add(Occurrence.attribute(location.file(), source, e, a.localName(), a.value()));
                    }
                }
            } else if (e.parent() != null) {
                // Element text: its sibling elements.
                for (XmlElement sibling : e.parent().children()) {
                    String name = sibling.localName() + " " + sibling.attribute("name").map(XmlElement.Attribute::value).orElse("");
                    String value = ownText(source, sibling).strip();
                    if (sibling != e && isPasswordName(name) && value.equals(SHIPPED_PASSWORD)) {
                        found.add(Occurrence.text(location.file(), source, sibling, value));
                    }
                }
            }
        }
        return found;
    }

    private static boolean isPasswordName(String name) {
        return name.toLowerCase().contains("pass");
    }

    // ---- every active value of the shipped files ----

    private static List<Occurrence> activeValues(Path real) {
        return shippedFiles(real).stream().flatMap(f -> activeValues(real, f).stream()).toList();
    }

    /** Active element texts and attribute values (XML), or values (properties) of one shipped file. */
    private static List<Occurrence> activeValues(Path real, String file) {
        String source = read(real.resolve(file));
        List<Occurrence> found = new ArrayList<>();
        if (file.endsWith(".properties")) {
            Properties p = properties(source);
            new TreeSet<>(p.stringPropertyNames()).forEach(k -> found.add(Occurrence.property(file, k, p.getProperty(k))));
        } else if (file.endsWith(".xml")) {
            for (XmlElement root : parse(file, source).roots()) {
                collect(file, source, root, found);
            }
        }
        return found;
    }

    private static void collect(String file, String source, XmlElement e, List<Occurrence> found) {
        String text = ownText(source, e);
        if (!text.isBlank()) {
            found.add(Occurrence.text(file, source, e, text));
        }
        for (XmlElement.Attribute a : e.attributes()) {
            found.add(Occurrence.attribute(file, source, e, a.localName(), a.value()));
        }
        for (XmlElement child : e.children()) {
            collect(file, source, child, found);
        }
    }

    /** The element's own text: its content without its child elements (comments are dropped by decoding). */
    private static String ownText(String source, XmlElement e) {
        if (e.selfClosing()) {
            return "";
        }
        StringBuilder raw = new StringBuilder();
        int at = e.startTagEnd();
        for (XmlElement child : e.children()) {
            raw.append(source, at, child.start());
            at = child.end();
        }
        raw.append(source, at, e.endTagStart());
        return XmlText.decodeContent(raw.toString());
    }

    /** Home-relative paths of every XML and properties file under the fixture's repository/. */
    private static List<String> shippedFiles(Path real) {
        try (Stream<Path> files = Files.walk(real.resolve("repository"))) {
            return files.filter(Files::isRegularFile)
                    .map(f -> real.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> f.endsWith(".xml") || f.endsWith(".properties"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- small readers ----

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading);
        assertThat(start).as("MANIFEST.md has a section %s", heading).isNotNegative();
        int level = heading.indexOf(' ');
        Matcher next = Pattern.compile("\n#{1," + level + "} ").matcher(markdown);
        int end = next.find(start + heading.length() + 1) ? next.start() : markdown.length();
        return markdown.substring(start + 1, end);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties properties(String source) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static XmlDocument parse(String file, String source) {
        try {
            return XmlDocument.parse(source);
        } catch (XmlSyntaxException e) {
            throw new AssertionError(file + ": " + e.getMessage(), e);
        }
    }

    private static List<XmlElement> select(String xpath, XmlDocument document) {
        try {
            return XPath.compile(xpath).select(document);
        } catch (XmlSyntaxException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static int line(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
