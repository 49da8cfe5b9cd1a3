package io.apimfleet.controller.cli;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerClient;
import io.apimfleet.controller.client.ControllerUnreachable;
import io.apimfleet.controller.pki.ControllerState;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --controller URL} (default {@code $FLEET_CONTROLLER}, else {@code https://<advertise>} of
 * the state): where the admin commands reach the controller, with the admin certificate of
 * {@code --state}. Also turns the client's failures into the documented exit statuses.
 */
final class ControllerOption {
    @Option(names = "--controller", paramLabel = "URL", defaultValue = "${env:FLEET_CONTROLLER}",
            description = "the controller's API, https://HOST:PORT (default: $FLEET_CONTROLLER, else https://<advertise> of the state)")
    String url;

    /** The admin client for {@code command}; a UserError (exit 2) when the state or URL is unusable. */
    ControllerClient client(StateOption state, String command) {
        ControllerState opened = state.open(command);
        URI uri;
        try {
            String given = url == null || url.isBlank() ? opened.advertise() : url.trim();
            uri = URI.create(given.contains("://") ? given : "https://" + given);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return ControllerClient.admin(opened.dir(), uri);
        } catch (IllegalArgumentException e) {
            throw new UserError(command + ": --controller must be https://HOST:PORT, not '" + url + "'");
        } catch (UncheckedIOException e) {
            throw new UserError(command + ": cannot read the admin certificate in " + opened.dir().resolve("admin") + ": " + e.getMessage());
        }
    }

    /**
     * The exit status for an answer of the controller that is not a success: the one mapping from
     * API answers to the statuses {@code fleet --help} lists. An invalid spec's problems are 2 (bad
     * input); the agent's side not connected, not answering in time or failing ({@code
     * not-connected}, {@code timeout}, {@code failed}) is 4; any other 409 is about rollouts (another
     * one is running, the rollout was refused: nothing to resume or undo, an outage not accepted, a
     * spec the controller cannot render for its nodes, or {@code not-leader}: the controller asked
     * follows another) and is 5; anything else is the controller
     * refusing the request, 3.
     */
    static int exitStatus(ControllerApiException e) {
        if (!e.problems().isEmpty()) {
            return FleetCommand.EXIT_USER_ERROR;
        }
        return switch (e.reason() == null ? "" : e.reason()) {
            case "not-connected", "timeout", "failed" -> FleetCommand.EXIT_AGENT;
            default -> e.status() == 409 ? FleetCommand.EXIT_ROLLOUT_FAILED : FleetCommand.EXIT_CONTROLLER;
        };
    }

    /**
     * Sends a spec to the controller ({@code fleet plan}, {@code fleet apply}): an invalid spec's
     * problems come back as located lines; other failures exit with {@link #exitStatus}.
     */
    static <T> T sendingSpec(String command, Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerApiException e) {
            if (!e.problems().isEmpty()) {
                throw new UserError(e.problems());
            }
            throw new UserError(exitStatus(e), command + ": " + e.getMessage());
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        }
    }

    /** Runs {@code call}, which asks an agent through the controller; failures exit with {@link #exitStatus}. */
    static <T> T askingAgent(String command, Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerApiException e) {
            throw new UserError(exitStatus(e), command + ": " + e.getMessage());
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        }
    }

    /** Runs {@code call}: an unreachable controller exits 3, a refusal with {@link #exitStatus}. */
    static <T> T calling(String command, Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        } catch (ControllerApiException e) {
            throw new UserError(exitStatus(e), command + ": the controller refused (" + e.status() + " " + e.reason() + "): " + e.getMessage());
        }
    }
}
