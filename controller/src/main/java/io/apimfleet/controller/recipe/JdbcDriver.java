package io.apimfleet.controller.recipe;

import java.util.List;

/** What a datasource needs to know about the database a JDBC URL names. */
record JdbcDriver(String urlPrefix, String driverClass, String validationQuery) {
    private static final List<JdbcDriver> KNOWN = List.of(
            new JdbcDriver("jdbc:mysql:", "com.mysql.jdbc.Driver", "SELECT 1"),
            new JdbcDriver("jdbc:mariadb:", "org.mariadb.jdbc.Driver", "SELECT 1"),
            new JdbcDriver("jdbc:postgresql:", "org.postgresql.Driver", "SELECT 1"),
            new JdbcDriver("jdbc:oracle:", "oracle.jdbc.OracleDriver", "SELECT 1 FROM DUAL"),
            new JdbcDriver("jdbc:sqlserver:", "com.microsoft.sqlserver.jdbc.SQLServerDriver", "SELECT 1"),
            new JdbcDriver("jdbc:db2:", "com.ibm.db2.jcc.DB2Driver", "SELECT 1 FROM SYSIBM.SYSDUMMY1"),
            new JdbcDriver("jdbc:h2:", "org.h2.Driver", "SELECT 1"));

    static JdbcDriver forUrl(String url) {
        return KNOWN.stream().filter(d -> url.startsWith(d.urlPrefix())).findFirst()
                .orElseThrow(() -> new RecipeException("no known JDBC driver for " + url.replaceAll("[?;].*", "")
                        + " (known: mysql, mariadb, postgresql, oracle, sqlserver, db2, h2)"));
    }
}
