package io.apimfleet.agent.apply;

import io.apimfleet.bundle.BundleApplier;
import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.bundle.stage.Checkpoints;
import io.apimfleet.protocol.Json;
import io.apimfleet.protocol.bundle.Bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The product home this agent manages, with its state directory and the host's secrets:
 * {@code ${secret:NAME}} from the request (the controller's store), then the secrets file, then
 * {@code FLEET_SECRET_*} variables;
 * {@code ${host-secret:NAME}} from the state directory's {@code host-secrets.json}.
 */
public record LocalHome(Path home, Path state, Path secretsFile) {
    public static final Path DEFAULT_STATE = Path.of("/var/lib/apim-fleet-agent");

    public BundleApplier applier(Map<String, String> environment) {
        return applier(environment, Checkpoints.NONE);
    }

    public BundleApplier applier(Map<String, String> environment, Checkpoints checkpoints) {
        return applier(environment, checkpoints, Secrets.none());
    }

    /** @param given secrets that came with the request (the controller's), looked up before the host's own */
    public BundleApplier applier(Map<String, String> environment, Checkpoints checkpoints, Secrets given) {
        Secrets fromEnv = Secrets.fromEnvironment(environment);
        Secrets local = secretsFile == null ? fromEnv : Secrets.fromFile(secretsFile).orElse(fromEnv);
        return new BundleApplier(home, state.resolve("bundles"), given.orElse(local).withHost(hostSecrets()), checkpoints);
    }

    public HostSecrets hostSecrets() {
        return new HostSecrets(state.resolve("host-secrets.json"));
    }

    /** Reads a bundle file; a malformed one is an error naming the file and the place. */
    public static Bundle readBundle(Path file) {
        try {
            return Json.mapper().readValue(file.toFile(), Bundle.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new BundleException(file + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BundleException("cannot read bundle " + file + ": " + e.getMessage(), e);
        }
    }
}
