package io.apimfleet.agent.enroll;

import io.apimfleet.agent.testing.TestCa;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointAndPinTest {
    @Test
    void controllerUrlsInEveryFormTheOperatorMayPaste() {
        assertThat(Endpoint.controllerUrl("https://ctl.example:7443")).isEqualTo(URI.create("https://ctl.example:7443"));
        assertThat(Endpoint.controllerUrl("ctl.example:7443")).isEqualTo(URI.create("https://ctl.example:7443"));
        assertThat(Endpoint.controllerUrl("ctl.example")).isEqualTo(URI.create("https://ctl.example:7443"));
        assertThat(Endpoint.controllerUrl("https://10.0.0.5:8443/")).isEqualTo(URI.create("https://10.0.0.5:8443"));
        assertThat(Endpoint.controllerUrl("[::1]:7443")).isEqualTo(URI.create("https://[::1]:7443"));
        assertThatThrownBy(() -> Endpoint.controllerUrl("http://ctl.example:7443")).hasMessageContaining("must use https");
    }

    @Test
    void bridgeEndpoints() {
        assertThat(Endpoint.parse("ctl.example:7444", 1)).isEqualTo(new Endpoint("ctl.example", 7444));
        assertThat(Endpoint.parse("ctl.example", 7444)).isEqualTo(new Endpoint("ctl.example", 7444));
        assertThat(Endpoint.parse("[fd00::1]:7444", 1)).isEqualTo(new Endpoint("fd00::1", 7444));
        assertThat(new Endpoint("fd00::1", 7444)).hasToString("[fd00::1]:7444");
        assertThatThrownBy(() -> Endpoint.parse("ctl.example:http", 1)).hasMessageContaining("no valid port");
        assertThatThrownBy(() -> Endpoint.parse("ctl.example:70000", 1)).hasMessageContaining("between 1 and 65535");
    }

    @Test
    void thePinIsTheSha256OfTheSubjectPublicKeyInfo() throws Exception {
        TestCa ca = TestCa.create("fleet");
        byte[] spki = ca.certificate().getPublicKey().getEncoded();   // X.509 SubjectPublicKeyInfo DER
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(spki));
        assertThat(CaPin.of(ca.certificate())).hasToString("sha256:" + hex);
        assertThat(CaPin.parse("SHA256:" + hex.toUpperCase())).isEqualTo(CaPin.of(ca.certificate()));
        assertThatThrownBy(() -> CaPin.parse(hex)).hasMessageContaining("sha256:<64 hex digits>");
        assertThatThrownBy(() -> CaPin.parse("sha256:" + hex.substring(1))).hasMessageContaining("sha256:<64 hex digits>");
    }

    @Test
    void onlyCaCertificatesOfTheChainCount() throws Exception {
        TestCa ca = TestCa.create("fleet");
        TestCa.Issued server = ca.server("127.0.0.1");
        CaPin serverPin = CaPin.of(server.certificate());
        assertThat(serverPin.findIn(List.of(server.certificate(), ca.certificate()))).isEmpty();
        assertThat(CaPin.of(ca.certificate()).findIn(List.of(server.certificate(), ca.certificate()))).contains(ca.certificate());
    }
}
