package io.apimfleet.controller.cli;

import io.apimfleet.controller.pki.ControllerState;
import io.apimfleet.controller.pki.ControllerStateException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state DIR} (default {@code $FLEET_STATE}): the controller's state directory, shared by the trust commands. */
final class StateOption {
    @Option(names = "--state", paramLabel = "DIR", defaultValue = "${env:FLEET_STATE}",
            description = "the controller's state directory (default: $FLEET_STATE)")
    Path dir;

    Path required(String command) {
        if (dir == null) {
            throw new UserError(command + ": give --state DIR (or set FLEET_STATE)");
        }
        return dir;
    }

    ControllerState open(String command) {
        try {
            return ControllerState.open(required(command));
        } catch (ControllerStateException e) {
            throw new UserError(command + ": " + e.getMessage());
        }
    }
}
