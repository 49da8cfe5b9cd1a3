package io.apimfleet.controller.cli;

import io.apimfleet.controller.spec.CheckedSpec;
import io.apimfleet.controller.spec.ClusterSpec;
import io.apimfleet.controller.spec.Problem;
import io.apimfleet.controller.spec.Specs;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The spec file a command was given with {@code -f}: read, checked, or a {@link UserError}. */
final class SpecFile {
    private SpecFile() {
    }

    /** The valid spec in {@code file}; otherwise every problem as {@code FILE:LINE:COL: message}. */
    static ClusterSpec readValid(String file) {
        CheckedSpec checked = check(file);
        if (!checked.isValid()) {
            throw new UserError(checked.problems().stream().map(Problem::toString).toList());
        }
        return checked.spec();
    }

    /** The text of a spec file {@link #readValid} accepted (sent to the controller as it is). */
    static String text(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UserError("fleet: cannot read " + file + ": " + e.getMessage());
        }
    }

    static CheckedSpec check(String file) {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            throw new UserError("fleet: cannot read " + file + ": it is a directory, not a spec file");
        }
        try {
            return Specs.check(path, file);
        } catch (NoSuchFileException e) {
            throw new UserError("fleet: cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError("fleet: cannot read " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new UserError("fleet: cannot read " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UserError("fleet: cannot read " + file + ": " + e.getMessage());
        }
    }
}
