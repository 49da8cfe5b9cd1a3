package io.apimfleet.controller.spec;

/**
 * Product features the recipes switch on or off.
 *
 * @param samples         keep the sample API (am#sample#pizzashack#v1) where the guide allows it
 * @param gatewayAdminApi keep the admin REST API webapp on gateways
 * @param websocket       the WebSocket transport on gateways (always off elsewhere)
 * @param jwt             JWT generation on gateways and key managers
 */
public record Options(boolean samples, boolean gatewayAdminApi, boolean websocket, boolean jwt) {
    public static Options defaults() {
        return new Options(false, false, true, false);
    }
}
