package io.apimfleet.agent;

/** The agent's version, from its jar's manifest ({@code dev} when run from classes). */
public final class AgentVersion {
    private AgentVersion() {
    }

    public static String get() {
        String v = AgentVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
