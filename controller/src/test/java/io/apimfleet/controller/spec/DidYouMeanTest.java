package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    @Test
    void suggestsAFieldWithTwoLettersSwapped() {
        assertThat(DidYouMean.closest("prot", List.of("host", "port"))).contains("port");
    }

    @Test
    void suggestsAFieldWithALetterMissing() {
        assertThat(DidYouMean.closest("portOfset", List.of("name", "portOffset"))).contains("portOffset");
    }

    @Test
    void ignoresCase() {
        assertThat(DidYouMean.closest("altnames", List.of("altNames"))).contains("altNames");
    }

    @Test
    void suggestsNothingWhenNothingIsClose() {
        assertThat(DidYouMean.closest("colour", List.of("samples", "jwt"))).isEmpty();
    }

    @Test
    void allowsOnlyOneEditInShortWords() {
        assertThat(DidYouMean.closest("node", List.of("name"))).isEmpty();
    }
}
