package io.apimfleet.controller.recipe;

import java.util.List;

/**
 * One place a shipped API-M file names a keystore or trust store, or its password. The trust
 * issue rewrites exactly these, together: the table is {@link #ALL}.
 *
 * @param file     home-relative path
 * @param xpath    element(s) in an XML file (every active match), or null for a properties file
 * @param name     the attribute (XML) or key (properties) holding the value, or null for element text
 * @param store    which store the reference must point at
 * @param field    what the value is
 * @param presence when the referencing element is there at all
 */
public record StoreReference(String file, String xpath, String name, Store store, Field field, Presence presence) {
    /** The three stores of a node: the cluster-wide primary key, the node's own TLS key, and trust. */
    public enum Store { PRIMARY_KEYSTORE, TLS_KEYSTORE, TRUSTSTORE }

    public enum Field { LOCATION, PASSWORD, KEY_PASSWORD }

    /**
     * Where recipes leave the element: everywhere; only with the WebSocket transport (the wss
     * sender and inbound endpoint); or not on traffic managers, whose axis2.xml (from
     * axis2_TM.xml) has no PassThrough transport.
     */
    public enum Presence { ALWAYS, WITH_WEBSOCKET, WITH_PASSTHROUGH }

    /** How each file writes a store's location: the directory part it uses, as shipped. */
    private static final java.util.Map<String, String> LOCATION_DIRECTORY = java.util.Map.of(
            ApimFiles.CARBON, "${carbon.home}/repository/resources/security/",
            ApimFiles.CATALINA, "${carbon.home}/repository/resources/security/",
            ApimFiles.DATA_BRIDGE, "${carbon.home}/repository/resources/security/",
            ApimFiles.CONF + "identity/identity.xml", "${carbon.home}/repository/resources/security/",
            ApimFiles.ENDPOINT_CONFIG, "./repository/resources/security/");
    private static final String RELATIVE_DIRECTORY = "repository/resources/security/";

    private static final String AXIS2_KEYSTORE = "/axisconfig/%s/parameter[@name='keystore']/KeyStore/%s";
    private static final String AXIS2_TRUSTSTORE = "/axisconfig/%s/parameter[@name='truststore']/TrustStore/%s";

    /**
     * Every reference, by the rule the recipes follow: listeners that peers dial present the
     * node's TLS key (Tomcat 9443, PassThrough 8243 and its senders, data-bridge 9711, the broker's
     * SSL port, secure WebSocket); signing and encryption stay on the primary key; every trust
     * reference names client-truststore.jks. (axis2_TM.xml, which becomes a traffic manager's
     * axis2.xml, ships with its store references commented out.)
     */
    public static final List<StoreReference> ALL = List.of(
            xml(ApimFiles.CARBON, "/Server/Security/KeyStore/Location", Store.PRIMARY_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.CARBON, "/Server/Security/KeyStore/Password", Store.PRIMARY_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.CARBON, "/Server/Security/KeyStore/KeyPassword", Store.PRIMARY_KEYSTORE, Field.KEY_PASSWORD),
            xml(ApimFiles.CARBON, "/Server/Security/TrustStore/Location", Store.TRUSTSTORE, Field.LOCATION),
            xml(ApimFiles.CARBON, "/Server/Security/TrustStore/Password", Store.TRUSTSTORE, Field.PASSWORD),
            attribute(ApimFiles.CATALINA, "//Connector[@keystoreFile]", "keystoreFile", Store.TLS_KEYSTORE, Field.LOCATION),
            attribute(ApimFiles.CATALINA, "//Connector[@keystorePass]", "keystorePass", Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.AXIS2, AXIS2_KEYSTORE.formatted("*", "Location"), Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.AXIS2, AXIS2_KEYSTORE.formatted("*", "Password"), Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.AXIS2, AXIS2_KEYSTORE.formatted("*", "KeyPassword"), Store.TLS_KEYSTORE, Field.KEY_PASSWORD),
            xml(ApimFiles.AXIS2, AXIS2_TRUSTSTORE.formatted("*", "Location"), Store.TRUSTSTORE, Field.LOCATION),
            xml(ApimFiles.AXIS2, AXIS2_TRUSTSTORE.formatted("*", "Password"), Store.TRUSTSTORE, Field.PASSWORD),
            webSocket(ApimFiles.AXIS2, "/axisconfig/transportSender[@name='wss']/parameter[@name='ws.trust.store']/ws.trust.store.location", Store.TRUSTSTORE, Field.LOCATION),
            webSocket(ApimFiles.AXIS2, "/axisconfig/transportSender[@name='wss']/parameter[@name='ws.trust.store']/ws.trust.store.Password", Store.TRUSTSTORE, Field.PASSWORD),
            xml(ApimFiles.BROKER, "/broker/transports/*/sslConnection/keyStore/location", Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.BROKER, "/broker/transports/*/sslConnection/keyStore/password", Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.BROKER, "/broker/transports/*/sslConnection/trustStore/location", Store.TRUSTSTORE, Field.LOCATION),
            xml(ApimFiles.BROKER, "/broker/transports/*/sslConnection/trustStore/password", Store.TRUSTSTORE, Field.PASSWORD),
            xml(ApimFiles.DATA_BRIDGE, "/dataBridgeConfiguration/keyStoreLocation", Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.DATA_BRIDGE, "/dataBridgeConfiguration/keyStorePassword", Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.SSL_PROFILES, "//profile/KeyStore/Location", Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.SSL_PROFILES, "//profile/KeyStore/Password", Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.SSL_PROFILES, "//profile/KeyStore/KeyPassword", Store.TLS_KEYSTORE, Field.KEY_PASSWORD),
            xml(ApimFiles.SSL_PROFILES, "//profile/TrustStore/Location", Store.TRUSTSTORE, Field.LOCATION),
            xml(ApimFiles.SSL_PROFILES, "//profile/TrustStore/Password", Store.TRUSTSTORE, Field.PASSWORD),
            xml(ApimFiles.WSS_INBOUND, "//parameter[@name='wss.ssl.key.store.file']", Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.WSS_INBOUND, "//parameter[@name='wss.ssl.key.store.pass']", Store.TLS_KEYSTORE, Field.PASSWORD),
            xml(ApimFiles.WSS_INBOUND, "//parameter[@name='wss.ssl.cert.pass']", Store.TLS_KEYSTORE, Field.KEY_PASSWORD),
            xml(ApimFiles.WSS_INBOUND, "//parameter[@name='wss.ssl.trust.store.file']", Store.TRUSTSTORE, Field.LOCATION),
            xml(ApimFiles.WSS_INBOUND, "//parameter[@name='wss.ssl.trust.store.pass']", Store.TRUSTSTORE, Field.PASSWORD),
            xml(ApimFiles.CONF + "identity/identity.xml", "//ThirftBasedEntitlementConfig/KeyStore/Location", Store.TLS_KEYSTORE, Field.LOCATION),
            xml(ApimFiles.CONF + "identity/identity.xml", "//ThirftBasedEntitlementConfig/KeyStore/Password", Store.TLS_KEYSTORE, Field.PASSWORD),
            property(ApimFiles.ENDPOINT_CONFIG, "client.keyStore", Store.TLS_KEYSTORE, Field.LOCATION),
            property(ApimFiles.ENDPOINT_CONFIG, "Carbon.Security.KeyStore.Password", Store.TLS_KEYSTORE, Field.PASSWORD),
            property(ApimFiles.ENDPOINT_CONFIG, "client.trustStore", Store.TRUSTSTORE, Field.LOCATION),
            property(ApimFiles.ENDPOINT_CONFIG, "Carbon.Security.TrustStore.Password", Store.TRUSTSTORE, Field.PASSWORD),
            property(ApimFiles.CIPHER_TEXT, "Carbon.Security.KeyStore.Password", Store.PRIMARY_KEYSTORE, Field.PASSWORD),
            property(ApimFiles.CIPHER_TEXT, "Carbon.Security.KeyStore.KeyPassword", Store.PRIMARY_KEYSTORE, Field.KEY_PASSWORD),
            property(ApimFiles.CIPHER_TEXT, "Carbon.Security.TrustStore.Password", Store.TRUSTSTORE, Field.PASSWORD),
            property(ApimFiles.CIPHER_TEXT, "Server.Service.Connector.keystorePass", Store.TLS_KEYSTORE, Field.PASSWORD));

    private static StoreReference xml(String file, String xpath, Store store, Field field) {
        Presence presence = file.equals(ApimFiles.WSS_INBOUND) ? Presence.WITH_WEBSOCKET
                : file.equals(ApimFiles.AXIS2) ? Presence.WITH_PASSTHROUGH : Presence.ALWAYS;
        return new StoreReference(file, xpath, null, store, field, presence);
    }

    private static StoreReference webSocket(String file, String xpath, Store store, Field field) {
        return new StoreReference(file, xpath, null, store, field, Presence.WITH_WEBSOCKET);
    }

    private static StoreReference attribute(String file, String xpath, String attribute, Store store, Field field) {
        return new StoreReference(file, xpath, attribute, store, field, Presence.ALWAYS);
    }

    private static StoreReference property(String file, String key, Store store, Field field) {
        return new StoreReference(file, null, key, store, field, Presence.ALWAYS);
    }

    /** A store's location written the way this reference's file writes locations. */
    public String location(String storeFile) {
        return LOCATION_DIRECTORY.getOrDefault(file, RELATIVE_DIRECTORY) + storeFile;
    }

    /** The file name a LOCATION reference names as shipped: wso2carbon.jks or client-truststore.jks. */
    public String shippedStoreFile() {
        return store == Store.TRUSTSTORE ? "client-truststore.jks" : "wso2carbon.jks";
    }
}
