package io.apimfleet.controller.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.4.21", "127.0.0.1", "255.255.255.255", "::1", "::", "fd00::4:21",
            "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1"})
    void recognisesIpLiterals(String address) {
        assertThat(Formats.isIpLiteral(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.4", "10.0.4.256", "01.2.3.4x", "gw.example", "1:2", "1::2::3", ":::", "fe80::1%eth0",
            "12345::1", "1:2:3:4:5:6:7:8:9", ""})
    void rejectsWhatIsNotAnIpLiteral(String address) {
        assertThat(Formats.isIpLiteral(address)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"km1.apim.example", "localhost", "API.Example.COM", "a-b.example"})
    void recognisesDnsNames(String name) {
        assertThat(Formats.isDnsName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad name", "-a.example", "a..example", "a_b.example", "10.0.0.300", "a.example."})
    void rejectsWhatIsNotADnsName(String name) {
        assertThat(Formats.isDnsName(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"km1", "prod-apim", "a"})
    void recognisesDnsLabels(String label) {
        assertThat(Formats.isDnsLabel(label)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Km1", "km_1", "km1.example", "-km", "km-"})
    void rejectsWhatIsNotADnsLabel(String label) {
        assertThat(Formats.isDnsLabel(label)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"512m", "2g", "2G", "1048576k"})
    void recognisesHeapSizes(String size) {
        assertThat(Formats.isHeapSize(size)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "2gb", "0g", "lots", "1.5g"})
    void rejectsWhatIsNotAHeapSize(String size) {
        assertThat(Formats.isHeapSize(size)).isFalse();
    }
}
