package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Checks YAML text as though it were read from {@value #FILE}, giving problems as the CLI prints them. */
final class SpecCheck {
    static final String FILE = "cluster.yaml";

    private SpecCheck() {
    }

    static List<String> problemsIn(String yaml) {
        return Specs.check(FILE, yaml).problems().stream().map(Problem::toString).toList();
    }

    static ClusterSpec validSpec(String yaml) {
        CheckedSpec checked = Specs.check(FILE, yaml);
        assertThat(checked.problems()).isEmpty();
        return checked.spec();
    }
}
