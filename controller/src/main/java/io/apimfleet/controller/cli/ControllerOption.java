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
     * Sends a spec to the controller ({@code fleet plan}, {@code fleet apply}): an invalid spec's
     * problems come back as located lines (exit 2), a 409 exits {@code conflictExit}, anything else
     * that fails exits 3.
     */
    static <T> T sendingSpec(String command, int conflictExit, Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerApiException e) {
            if (!e.problems().isEmpty()) {
                throw new UserError(e.problems());
            }
            throw new UserError(e.status() == 409 ? conflictExit : FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        }
    }

    /** Runs {@code call}, reporting an unreachable or refusing controller as exit 3. */
    static <T> T calling(String command, Supplier<T> call) {
        try {
            return call.get();
        } catch (ControllerUnreachable e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": " + e.getMessage());
        } catch (ControllerApiException e) {
            throw new UserError(FleetCommand.EXIT_CONTROLLER, command + ": the controller refused (" + e.status() + " " + e.reason() + "): " + e.getMessage());
        }
    }
}
