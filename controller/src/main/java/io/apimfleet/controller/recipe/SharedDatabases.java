package io.apimfleet.controller.recipe;

import io.apimfleet.controller.spec.Database;
import io.apimfleet.controller.spec.Databases;
import io.apimfleet.controller.spec.Role;
import io.apimfleet.protocol.bundle.Anchor;

import io.apimfleet.bundle.xml.XmlText;

import java.util.Objects;
import java.util.Set;

/**
 * The shared databases (guide: "Installing and configuring the databases"): which role uses
 * which, and the datasource, user-store and registry-mount edits. {@code WSO2_CARBON_DB} stays
 * each node's own; a database the spec leaves out stays on the shipped H2.
 */
final class SharedDatabases {
    /** Single-tenant use, per the guide's table: gateways and traffic managers keep H2. */
    private static final Set<Role> APIM_DB = Set.of(Role.KEY_MANAGER, Role.PUBLISHER, Role.STORE);
    private static final Set<Role> USER_DB = Set.of(Role.KEY_MANAGER, Role.PUBLISHER, Role.STORE);
    private static final Set<Role> REGISTRY_DB = Set.of(Role.PUBLISHER, Role.STORE);

    private static final String DATASOURCES = "/datasources-configuration/datasources";
    private static final String AM_DB = DATASOURCES + "/datasource[name='WSO2AM_DB']";
    private static final String UM_DB = DATASOURCES + "/datasource[name='WSO2UM_DB']";
    private static final String REG_DB = DATASOURCES + "/datasource[name='WSO2REG_DB']";
    private static final String GOV_DB_CONFIG = "govregistry";

    private SharedDatabases() {
    }

    static void apply(Databases dbs, Role role, Steps steps) {
        Steps.Xml datasources = steps.xml(ApimFiles.DATASOURCES);
        String anchor = AM_DB;
        if (dbs.apimgt() != null && APIM_DB.contains(role)) {
            Database db = dbs.apimgt();
            JdbcDriver driver = JdbcDriver.forUrl(db.url());
            String config = AM_DB + "/definition/configuration/";
            datasources.set(config + "url", db.url())
                    .set(config + "username", Objects.toString(db.username(), ""))
                    .set(config + "password", Objects.toString(db.password(), ""))
                    .set(config + "driverClassName", driver.driverClass())
                    .set(config + "validationQuery", driver.validationQuery());
        }
        if (dbs.usermgt() != null && USER_DB.contains(role)) {
            datasources.ensure(UM_DB, datasource("WSO2UM_DB", "The datasource used by user manager", dbs.usermgt()), Anchor.after(anchor));
            anchor = UM_DB;
            steps.xml(ApimFiles.USER_MGT).set("/UserManager/Realm/Configuration/Property[@name='dataSource']", "jdbc/WSO2UM_DB");
        }
        if (dbs.registry() != null && REGISTRY_DB.contains(role)) {
            datasources.ensure(REG_DB, datasource("WSO2REG_DB", "The datasource used by the registry", dbs.registry()), Anchor.after(anchor));
            mountRegistry(dbs.registry(), steps.xml(ApimFiles.REGISTRY));
        }
    }

    /** Whether the role's users live in the shared user store (else it asks the key manager). */
    static boolean sharesUserStore(Databases dbs, Role role) {
        return dbs.usermgt() != null && USER_DB.contains(role);
    }

    private static void mountRegistry(Database db, Steps.Xml registry) {
        registry.ensure("/wso2registry/dbConfig[@name='" + GOV_DB_CONFIG + "']", """
                        <dbConfig name="%s">
                            <dataSource>jdbc/WSO2REG_DB</dataSource>
                        </dbConfig>""".formatted(GOV_DB_CONFIG),
                        Anchor.after("/wso2registry/dbConfig[@name='wso2registry']"))
                .ensure("/wso2registry/remoteInstance[id='gov']", """
                        <remoteInstance url="https://localhost:9443/registry">
                            <id>gov</id>
                            <cacheId>%s</cacheId>
                            <dbConfig>%s</dbConfig>
                            <readOnly>false</readOnly>
                            <enableCache>true</enableCache>
                            <registryRoot>/</registryRoot>
                        </remoteInstance>""".formatted(escape(db.username() + "@" + db.url()), GOV_DB_CONFIG),
                        Anchor.after("/wso2registry/dbConfig[@name='" + GOV_DB_CONFIG + "']"))
                .ensure("/wso2registry/mount[@path='/_system/config']", mount("/_system/config"),
                        Anchor.after("/wso2registry/remoteInstance[id='gov']"))
                .ensure("/wso2registry/mount[@path='/_system/governance']", mount("/_system/governance"),
                        Anchor.after("/wso2registry/mount[@path='/_system/config']"))
                // The guide: nodes sharing a registry index from the database, not their cache.
                .enable("/wso2registry/indexingConfiguration/skipCache", "true");
    }

    private static String mount(String path) {
        return """
                <mount path="%s" overwrite="true">
                    <instanceId>gov</instanceId>
                    <targetPath>%s</targetPath>
                </mount>""".formatted(path, path);
    }

    private static String datasource(String name, String description, Database db) {
        JdbcDriver driver = JdbcDriver.forUrl(db.url());
        return """
                <datasource>
                    <name>%s</name>
                    <description>%s</description>
                    <jndiConfig>
                        <name>jdbc/%s</name>
                    </jndiConfig>
                    <definition type="RDBMS">
                        <configuration>
                            <url>%s</url>
                            <username>%s</username>
                            <password>%s</password>
                            <driverClassName>%s</driverClassName>
                            <maxActive>50</maxActive>
                            <maxWait>60000</maxWait>
                            <testOnBorrow>true</testOnBorrow>
                            <validationQuery>%s</validationQuery>
                            <validationInterval>30000</validationInterval>
                        </configuration>
                    </definition>
                </datasource>""".formatted(name, description, name, escape(db.url()), escape(db.username()),
                Objects.toString(db.password(), ""), driver.driverClass(), driver.validationQuery());
    }

    /** Fragment text is XML: values are escaped here, secrets when they are resolved. */
    private static String escape(String value) {
        return XmlText.escapeText(Objects.toString(value, ""));
    }
}
