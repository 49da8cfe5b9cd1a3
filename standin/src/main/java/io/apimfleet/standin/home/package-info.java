/**
 * Making an {@code <API-M_HOME>}: the project's own reduced API-M 2.2.0 conf tree (or a copied
 * real one), placeholder webapps, the shipped-style default stores and the fake {@code bin/wso2server.sh}.
 * Writes files once; never reads a home back (that is {@code config}).
 */
package io.apimfleet.standin.home;
