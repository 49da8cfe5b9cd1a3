package io.apimfleet.controller.pki;

import java.util.Map;

/**
 * The secrets every controller of a fleet needs: the master key and the files it opens (the sealed
 * secret store and product keys), by path relative to the state directory. They travel once, to a
 * joining controller, over the controller-peer mutual TLS channel; never logged.
 */
public record ClusterSecrets(byte[] masterKey, Map<String, byte[]> sealedFiles) {
    public ClusterSecrets {
        if (masterKey == null || masterKey.length != SecretBox.KEY_BYTES) {
            throw new IllegalArgumentException("the master key must be " + SecretBox.KEY_BYTES + " bytes");
        }
        sealedFiles = Map.copyOf(sealedFiles);
    }

    /** Never the key or the files' contents. */
    @Override
    public String toString() {
        return "ClusterSecrets[master key, files " + new java.util.TreeSet<>(sealedFiles.keySet()) + "]";
    }
}
