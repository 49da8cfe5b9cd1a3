package io.apimfleet.controller.recipe;

/** The spec cannot be turned into bundles (for instance, a driver jar that cannot be read). */
public final class RecipeException extends RuntimeException {
    public RecipeException(String message) {
        super(message);
    }
}
