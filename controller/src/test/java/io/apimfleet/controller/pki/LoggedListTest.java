package io.apimfleet.controller.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A snapshot file plus a side log of changed entries: one line per change, compacted when the log outgrows the file. */
class LoggedListTest {
    record Item(String name, int value) {
    }

    record ItemFile(int version, List<Item> items) {
        ItemFile {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    @TempDir
    Path tmp;

    private LoggedList<Item, ItemFile> list(Path file) {
        return new LoggedList<>(file, ItemFile.class, Item.class, ItemFile::items, l -> new ItemFile(1, l), Item::name);
    }

    @Test
    void aChangeIsOneAppendedLineThatReplacesTheEntryInPlace() throws Exception {
        Path file = tmp.resolve("items.json");
        LoggedList<Item, ItemFile> items = list(file);
        items.rewrite(List.of(new Item("a", 1), new Item("b", 2)));
        String snapshot = Files.readString(file);

        items.put(new Item("a", 10));
        items.put(new Item("c", 3));

        assertThat(Files.readString(file)).isEqualTo(snapshot);
        assertThat(Files.readAllLines(items.logFile())).hasSize(2);
        assertThat(items.read()).containsExactly(new Item("a", 10), new Item("b", 2), new Item("c", 3));
        assertThat(list(file).read()).containsExactly(new Item("a", 10), new Item("b", 2), new Item("c", 3));
    }

    @Test
    void aTornLastLineIsIgnored() throws Exception {
        Path file = tmp.resolve("items.json");
        LoggedList<Item, ItemFile> items = list(file);
        items.rewrite(List.of(new Item("a", 1)));
        items.put(new Item("b", 2));
        Files.writeString(items.logFile(), "{\"name\":\"c\",\"val", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        assertThat(list(file).read()).containsExactly(new Item("a", 1), new Item("b", 2));
    }

    @Test
    void theLogIsFoldedIntoTheFileOnceItOutgrowsIt() throws Exception {
        Path file = tmp.resolve("items.json");
        LoggedList<Item, ItemFile> items = list(file);
        items.rewrite(List.of());
        List<Item> expected = new ArrayList<>();
        for (int i = 0; i < LoggedList.MIN_COMPACTION; i++) {
            Item item = new Item("n" + i, i);
            items.put(item);
            expected.add(item);
        }

        assertThat(items.logFile()).doesNotExist();
        assertThat(StateJson.read(file, ItemFile.class, () -> null).items()).isEqualTo(expected);
        items.put(new Item("n0", -1));
        assertThat(Files.readAllLines(items.logFile())).hasSize(1);
        assertThat(list(file).read()).hasSize(LoggedList.MIN_COMPACTION).startsWith(new Item("n0", -1));
    }

    @Test
    void aChangeMadeBehindItsBackIsSeen() throws Exception {
        Path file = tmp.resolve("items.json");
        LoggedList<Item, ItemFile> items = list(file);
        items.rewrite(List.of(new Item("a", 1)));
        assertThat(items.read()).containsExactly(new Item("a", 1));

        // another process: a new file by rename, then a line of its own
        Path other = tmp.resolve("other.json");
        Files.writeString(other, "{\"version\":1,\"items\":[{\"name\":\"a\",\"value\":5}]}\n");
        Files.move(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(items.logFile(), "{\"name\":\"b\",\"value\":6}\n");

        assertThat(items.read()).containsExactly(new Item("a", 5), new Item("b", 6));
    }
}
