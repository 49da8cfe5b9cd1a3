package io.apimfleet.controller.spec;

/** A place in a spec file, 1-based, printed the way editors and compilers do: {@code FILE:LINE:COL}. */
public record Location(String source, int line, int column) {
    @Override
    public String toString() {
        return source + ":" + line + ":" + column;
    }
}
