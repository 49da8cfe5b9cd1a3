package io.apimfleet.standin;

import io.apimfleet.standin.config.ConfigException;
import io.apimfleet.standin.config.JvmOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The product's heap options are refused where the JVM would refuse to start the real product. */
class JvmOptionsTest {
    @Test
    void aMaximumHeapBelowTwoMegabytesIsRefusedAsTheJvmDoes() {
        assertThatThrownBy(() -> JvmOptions.check(Map.of(JvmOptions.ENV, "-Xms1m -Xmx1m"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Too small maximum heap");
    }

    @Test
    void anInitialHeapAboveTheMaximumIsRefused() {
        assertThatThrownBy(() -> JvmOptions.check(Map.of(JvmOptions.ENV, "-Xms2g -Xmx1g")))
                .hasMessageContaining("Initial heap size set to a larger value than the maximum heap size");
    }

    @Test
    void theRecipesSizesAndNoOptionsAtAllAreAccepted() {
        assertThatCode(() -> JvmOptions.check(Map.of(JvmOptions.ENV, "-Xms64m -Xmx64m"))).doesNotThrowAnyException();
        assertThatCode(() -> JvmOptions.check(Map.of(JvmOptions.ENV, "-Xms1g -Xmx2g"))).doesNotThrowAnyException();
        assertThatCode(() -> JvmOptions.check(Map.of())).doesNotThrowAnyException();
    }
}
