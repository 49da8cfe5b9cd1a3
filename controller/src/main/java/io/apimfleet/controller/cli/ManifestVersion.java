package io.apimfleet.controller.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code fleet --version}: the jar manifest's Implementation-Version, or "dev" outside a jar. */
final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = FleetCommand.class.getPackage().getImplementationVersion();
        return new String[] {"fleet " + (version != null ? version : "dev")};
    }
}
