package io.apimfleet.controller.spec;

/** Field paths such as {@code nodes[2].role} or {@code loadBalancer.endpoints.key-manager.port}. */
final class FieldPath {
    static final String ROOT = "";

    private FieldPath() {
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String list, int index) {
        return list + "[" + index + "]";
    }

    static String node(int index, String field) {
        return child(index("nodes", index), field);
    }

    /** The enclosing path, {@link #ROOT} at the top. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? ROOT : path.substring(0, cut);
    }

    /** True when {@code path} is {@code ancestor} or lies inside it. */
    static boolean isWithin(String path, String ancestor) {
        return path.equals(ancestor) || path.startsWith(ancestor + ".") || path.startsWith(ancestor + "[");
    }
}
