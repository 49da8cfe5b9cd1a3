package io.apimfleet.controller.spec;

import java.util.regex.Pattern;

/** The cluster-wide settings: apiVersion, cluster name, product, admin, databases and JVM heaps. */
final class SettingsRules implements SpecRule {
    /** A JDBC URL parameter holding a secret in clear, e.g. {@code ?password=...}. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)password=(?!\\$\\{secret:)");

    @Override
    public void check(ClusterSpec spec, Findings findings) {
        if (spec.apiVersion() != null && !ClusterSpec.API_VERSION.equals(spec.apiVersion())) {
            findings.add("apiVersion", "apiVersion '" + spec.apiVersion() + "' is not supported; write apiVersion: "
                    + ClusterSpec.API_VERSION);
        }
        if (spec.cluster() != null && !Formats.isDnsLabel(spec.cluster())) {
            findings.add("cluster", "cluster name '" + spec.cluster()
                    + "' must be a DNS label: lower-case letters, digits and '-', e.g. prod-apim");
        }
        checkProduct(spec.product(), findings);
        if (spec.admin().username() != null && spec.admin().username().isBlank()) {
            findings.add("admin.username", "admin.username must not be empty; API-M's default is "
                    + Admin.DEFAULT_USERNAME);
        }
        checkDatabases(spec.databases(), findings);
        spec.jvm().heap().forEach((key, size) -> {
            if (!Formats.isHeapSize(size)) {
                findings.add("jvm.heap." + key, "jvm.heap." + key + " must be a heap size such as 512m or 2g");
            }
        });
    }

    private static void checkProduct(Product product, Findings findings) {
        if (!Product.SUPPORTED_VERSIONS.contains(product.version())) {
            findings.add("product.version", "product.version '" + product.version()
                    + "' is not supported: the recipes render API-M " + Words.and(Product.SUPPORTED_VERSIONS)
                    + "'s configuration layout only; write version: \"" + Product.DEFAULT_VERSION + "\"");
        }
        findings.requireAbsolutePath("product.home", "product.home", product.home());
        findings.requireAbsolutePath("product.javaHome", "product.javaHome", product.javaHome());
    }

    private static void checkDatabases(Databases databases, Findings findings) {
        findings.requireAbsolutePath("databases.driverJar", "databases.driverJar", databases.driverJar());
        databases.byName().forEach((name, database) -> {
            String path = "databases." + name + ".url";
            if (database.url() != null && !database.url().startsWith("jdbc:")) {
                findings.add(path, path + " must be a JDBC URL such as jdbc:mysql://db.example:3306/" + name + "db");
            } else if (database.url() != null && PASSWORD_IN_URL.matcher(database.url()).find()) {
                findings.add(path, path + " carries a password; move it to databases." + name
                        + ".password: ${secret:NAME}");
            }
        });
    }
}
