/**
 * The {@code apim-standin} command: {@code make-home} and {@code server}. Owns only argument
 * parsing and exit codes; the work lives in {@code home}, {@code config} and {@code server}.
 */
package io.apimfleet.standin;
