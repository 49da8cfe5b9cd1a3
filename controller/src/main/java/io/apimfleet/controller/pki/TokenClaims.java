package io.apimfleet.controller.pki;

/**
 * Where a join token is spent beyond this state: {@link Enrollment} claims a token here after it
 * checked it (known, hash equal, unexpired, unused, unrevoked) and before it marks it used and
 * signs anything. Only the token's id is passed, never its value.
 */
@FunctionalInterface
public interface TokenClaims {
    /** A lone controller: the state's own used marker is the whole claim. */
    TokenClaims LOCAL = tokenId -> true;

    /**
     * True when this controller spends token {@code tokenId} now; false when it was spent
     * before, here or elsewhere. Throws when that cannot be decided (the enrollment then fails,
     * nothing issued).
     */
    boolean claim(String tokenId);
}
