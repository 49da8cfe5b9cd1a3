package io.apimfleet.bundle.op;

import io.apimfleet.bundle.BundleException;
import io.apimfleet.bundle.Secrets;
import io.apimfleet.protocol.SecretRef;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Resolves references for one bundle run and remembers every value, so reports can mask them. */
public final class SecretValues {
    private final Secrets secrets;
    private final Set<String> used = new LinkedHashSet<>();

    public SecretValues(Secrets secrets) {
        this.secrets = secrets;
    }

    public String resolve(String value, String where) {
        return resolve(value, where, UnaryOperator.identity());
    }

    /** Resolves references, passing each secret through {@code escape} (for XML fragments). */
    public String resolve(String value, String where, UnaryOperator<String> escape) {
        return SecretRef.resolve(value, (kind, name) -> escape.apply(lookup(kind, name, where)));
    }

    private String lookup(SecretRef.Kind kind, String name, String where) {
        String secret = secrets.lookup(kind, name).orElseThrow(() -> new BundleException(where + ": "
                + (kind == SecretRef.Kind.SECRET
                ? "secret '" + name + "' is not available; supply it with --secrets FILE or " + Secrets.environmentVariable(name)
                : "host secret '" + name + "' is not available on this host")));
        used.add(secret);
        return secret;
    }

    /** The values resolved so far. */
    public Set<String> used() {
        return Set.copyOf(used);
    }
}
