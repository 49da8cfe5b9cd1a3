package io.apimfleet.bundle.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Diffs show a secret as (secret) where it is written, and nowhere else. */
class SecretMaskerTest {

    @Test
    void aShortSecretLeavesTheWordsItAppearsInWhole() {
        String diff = "--- a/repository/conf/api-manager.xml\n+++ b/repository/conf/api-manager.xml\n";

        assertThat(new SecretMasker(Set.of("x")).mask(diff)).isEqualTo(diff);
    }

    @Test
    void aSecretThatIsPartOfAFileNameLeavesTheFileNameWhole() {
        String line = "+++ b/repository/conf/api-manager.xml\n";

        assertThat(new SecretMasker(Set.of("manager")).mask(line)).isEqualTo(line);
    }

    @Test
    void aSecretIsMaskedAsAWholeElementValue() {
        assertThat(new SecretMasker(Set.of("x")).mask("+    <Password>x</Password>\n"))
                .isEqualTo("+    <Password>(secret)</Password>\n");
    }

    @Test
    void aSecretIsMaskedAsAWholeAttributeValue() {
        assertThat(new SecretMasker(Set.of("s3cret-pw")).mask("+<KeyStore password=\"s3cret-pw\"/>\n"))
                .isEqualTo("+<KeyStore password=\"(secret)\"/>\n");
    }

    @Test
    void aSecretIsMaskedAsTheCredentialsOfAUrl() {
        assertThat(new SecretMasker(Set.of("p@ss word")).mask("+connectionfactory.TopicConnectionFactory = amqp://admin:p%40ss%20word@clientid/carbon\n"))
                .isEqualTo("+connectionfactory.TopicConnectionFactory = amqp://admin:(secret)@clientid/carbon\n");
    }

    @Test
    void aSecretIsMaskedAsAJdbcUrlParameterInXml() {
        assertThat(new SecretMasker(Set.of("db&pass")).mask("+<url>jdbc:mysql://db:3306/apim?user=a&amp;password=db&amp;pass&amp;useSSL=true</url>\n"))
                .isEqualTo("+<url>jdbc:mysql://db:3306/apim?user=a&amp;password=(secret)&amp;useSSL=true</url>\n");
    }

    @Test
    void aSecretWhoseEdgesAreSymbolsIsMaskedWhereverItsTextIs() {
        assertThat(new SecretMasker(Set.of("<pw>")).mask("+<Password>a&lt;pw&gt;b</Password>\n"))
                .isEqualTo("+<Password>a(secret)b</Password>\n");
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        assertThat(new SecretMasker(Set.of("pass", "pass-word")).mask("+<a>pass-word</a><b>pass</b>\n"))
                .isEqualTo("+<a>(secret)</a><b>(secret)</b>\n");
    }

    @Test
    void aSecretSpelledLikeTheMaskIsNotMaskedTwice() {
        assertThat(new SecretMasker(Set.of("secret", "top-secret")).mask("+<a>top-secret</a>\n"))
                .isEqualTo("+<a>(secret)</a>\n");
    }

    @Test
    void aSecretAloneOnADiffLineIsMaskedAfterTheLinesMark() {
        assertThat(new SecretMasker(Set.of("hunter2pass")).mask(" <Password>\n-hunter2pass\n+(none)\n </Password>\n"))
                .isEqualTo(" <Password>\n-(secret)\n+(none)\n </Password>\n");
    }

    @Test
    void aSecretAfterAHyphenInsideALineIsNotTakenForAWholeToken() {
        assertThat(new SecretMasker(Set.of("manager")).mask("+ <File>api-manager</File>\n"))
                .isEqualTo("+ <File>api-manager</File>\n");
    }
}
