package io.apimfleet.protocol;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRefTest {
    private static final Map<String, String> SECRETS = Map.of("admin-password", "p@ss:w&rd/é ~*");

    @Test
    void aReferenceResolvesToItsSecret() {
        assertThat(SecretRef.resolve("x=${secret:admin-password};", SECRETS::get)).isEqualTo("x=p@ss:w&rd/é ~*;");
    }

    @Test
    void theUrlFormResolvesToThePercentEncodedSecret() {
        assertThat(SecretRef.resolve("amqp://admin:${secret:admin-password|url}@id", SECRETS::get))
                .isEqualTo("amqp://admin:p%40ss%3Aw%26rd%2F%C3%A9%20~%2A@id");
    }

    @Test
    void urlEncodedTurnsAReferenceIntoItsUrlFormOnce() {
        String once = SecretRef.urlEncoded("${secret:admin-password}");
        assertThat(once).isEqualTo("${secret:admin-password|url}");
        assertThat(SecretRef.urlEncoded(once)).isEqualTo(once);
        assertThat(SecretRef.names(once)).containsExactly("admin-password");
    }

    @Test
    void textWithoutReferencesIsLeftAlone() {
        assertThat(SecretRef.resolve("${carbon.home}/x", name -> "never")).isEqualTo("${carbon.home}/x");
        assertThat(SecretRef.isReference("${secret:bad name}")).isFalse();
    }
}
