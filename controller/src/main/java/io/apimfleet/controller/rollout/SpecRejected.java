package io.apimfleet.controller.rollout;

import java.util.List;

/** The spec sent for a plan or an apply is invalid: nothing was changed anywhere. */
public final class SpecRejected extends RolloutFailure {
    private final List<String> problems;

    public SpecRejected(String source, List<String> problems) {
        super(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "; nothing was changed");
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code file:line:column: message}. */
    public List<String> problems() {
        return problems;
    }
}
