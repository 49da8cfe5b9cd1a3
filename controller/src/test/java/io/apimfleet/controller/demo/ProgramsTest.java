package io.apimfleet.controller.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProgramsTest {
    @TempDir
    Path temp;

    @Test
    void aProgramIsFoundOnPathFirstThenInTheAdministratorsFolders() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path sbin = Files.createDirectories(temp.resolve("sbin"));
        Path inSbin = executable(sbin.resolve("haproxy"));

        assertThat(Programs.find("haproxy", bin.toString(), List.of(sbin.toString()))).contains(inSbin);
        Path onPath = executable(bin.resolve("haproxy"));
        assertThat(Programs.find("haproxy", bin.toString(), List.of(sbin.toString()))).contains(onPath);
        assertThat(Programs.find("nginx", bin.toString(), List.of(sbin.toString()))).isEmpty();
        assertThat(Programs.find("haproxy", null, List.of())).isEmpty();
    }

    @Test
    void aFolderIsAddedToPathOnce() {
        assertThat(Programs.withDir("/usr/bin:/bin", Path.of("/usr/sbin"))).isEqualTo("/usr/bin:/bin:/usr/sbin");
        assertThat(Programs.withDir("/usr/sbin:/bin", Path.of("/usr/sbin"))).isEqualTo("/usr/sbin:/bin");
        assertThat(Programs.withDir(null, Path.of("/usr/sbin"))).isEqualTo("/usr/sbin");
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
