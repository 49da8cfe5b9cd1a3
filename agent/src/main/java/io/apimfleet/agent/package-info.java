/**
 * The host side of apim-fleet. Product-agnostic: it applies whatever bundle it is given and
 * never knows which WSO2 role its host plays.
 */
package io.apimfleet.agent;
