package io.apimfleet.bundle.op;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PropertiesEditorTest {
    private static final String JNDI = """
            # comment = not a key
            java.naming.factory.initial = org.example.Factory
            connectionfactory.TopicConnectionFactory = amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'
            long.value = first\\
                second
            last:value
            """;

    @Test
    void setReplacesOnlyTheValueAndKeepsTheSeparator() {
        String out = PropertiesEditor.set(JNDI, "connectionfactory.TopicConnectionFactory", "amqp://x@y/z?brokerlist='tcp://tm1:5673'");
        assertThat(out).isEqualTo(JNDI.replace("tcp://localhost:5672", "tcp://tm1:5673").replace("admin:admin@clientid/carbon", "x@y/z"));
    }

    @Test
    void setReplacesAContinuedValueWhole() throws Exception {
        String out = PropertiesEditor.set(JNDI, "long.value", "one");
        assertThat(out).contains("long.value = one\nlast:value");
        assertThat(load(out).getProperty("long.value")).isEqualTo("one");
    }

    @Test
    void setAppendsAMissingKeyWithTheFilesLineEnding() {
        assertThat(PropertiesEditor.set("a=1\r\n", "b", "2")).isEqualTo("a=1\r\nb=2\r\n");
    }

    @Test
    void setOfTheCurrentValueReturnsTheSameText() {
        assertThat(PropertiesEditor.set(JNDI, "last", "value")).isSameAs(JNDI);
    }

    @Test
    void setEscapesWhatPropertiesWouldReadDifferently() throws Exception {
        String out = PropertiesEditor.set("", "k", " lead\\back\u00e9");
        assertThat(load(out).getProperty("k")).isEqualTo(" lead\\back\u00e9");
    }

    @Test
    void commentsAreNeverTakenForKeys() {
        String out = PropertiesEditor.set(JNDI, "#", "x");
        assertThat(out).startsWith(JNDI);
    }

    private static Properties load(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }
}
