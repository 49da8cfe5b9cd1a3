package io.apimfleet.protocol.link;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One frame of the Vert.x TCP event-bus bridge: a big-endian uint32 length, then this JSON.
 * Client to bridge: {@code send}, {@code publish}, {@code register}, {@code unregister},
 * {@code ping}; bridge to client: {@code message}, {@code err}, {@code pong}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)   // the bridge's format, not ours: tolerate what it adds
public record BridgeFrame(String type, String address, String replyAddress, Map<String, String> headers,
                          JsonNode body, Boolean send, String message, Integer failureCode, String failureType) {
    public static final String SEND = "send";
    public static final String PUBLISH = "publish";
    public static final String REGISTER = "register";
    public static final String UNREGISTER = "unregister";
    public static final String PING = "ping";
    public static final String MESSAGE = "message";
    public static final String ERR = "err";
    public static final String PONG = "pong";

    public static BridgeFrame send(String address, JsonNode body, String replyAddress, Map<String, String> headers) {
        return new BridgeFrame(SEND, address, replyAddress, headers, body, null, null, null, null);
    }

    public static BridgeFrame register(String address) {
        return new BridgeFrame(REGISTER, address, null, null, null, null, null, null, null);
    }

    public static BridgeFrame ping() {
        return new BridgeFrame(PING, null, null, null, null, null, null, null, null);
    }

    /** A reply that failed: the bridge sets failure code and type. */
    @JsonIgnore
    public boolean isFailure() {
        return failureCode != null || failureType != null;
    }
}
