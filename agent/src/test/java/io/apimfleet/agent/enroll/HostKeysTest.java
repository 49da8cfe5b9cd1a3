package io.apimfleet.agent.enroll;

import io.apimfleet.bundle.HostSecrets;
import io.apimfleet.bundle.keystore.PemMaterial;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;

import static org.assertj.core.api.Assertions.assertThat;

class HostKeysTest {
    @TempDir
    Path dir;

    private static JcaPKCS10CertificationRequest parse(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaPKCS10CertificationRequest((PKCS10CertificationRequest) parser.readObject());
        }
    }

    @Test
    void aTlsRequestIsASignedRsa2048CsrWhoseKeyStaysInTheHostSecrets() throws Exception {
        HostSecrets secrets = new HostSecrets(dir.resolve("host-secrets.json"));
        JcaPKCS10CertificationRequest csr = parse(new HostKeys(secrets).newTlsRequest("km1.apim.example"));

        assertThat(csr.getSubject().toString()).isEqualTo("CN=km1.apim.example");
        assertThat(((RSAPublicKey) csr.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))).isTrue();
        var key = PemMaterial.privateKey(secrets.lookup(HostKeys.TLS_KEY).orElseThrow(), "tls key");
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.file()))).isEqualTo("rw-------");
    }

    @Test
    void anIdentityRequestIsAnEcP256CsrForTheNodeName() throws Exception {
        JcaPKCS10CertificationRequest csr = parse(new HostKeys(new HostSecrets(dir.resolve("s.json"))).newIdentityRequest("km1"));
        assertThat(csr.getSubject().toString()).isEqualTo("CN=km1");
        assertThat(csr.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void aNewTlsRequestReplacesTheKey() {
        HostSecrets secrets = new HostSecrets(dir.resolve("host-secrets.json"));
        HostKeys keys = new HostKeys(secrets);
        keys.newTlsRequest("km1");
        String first = secrets.lookup(HostKeys.TLS_KEY).orElseThrow();
        keys.newTlsRequest("km1");
        assertThat(secrets.lookup(HostKeys.TLS_KEY).orElseThrow()).isNotEqualTo(first);
    }
}
