package io.apimfleet.protocol.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.apimfleet.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Bridge frames to bytes and back. A decoder is fed chunks as they arrive and returns the
 * frames completed so far; a frame larger than {@link #MAX_FRAME} is an error, not a memory hog.
 */
public final class FrameCodec {
    public static final int MAX_FRAME = 16 * 1024 * 1024;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public static byte[] encode(BridgeFrame frame) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(frame);
            return ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The frames completed by this chunk, in order; keeps a partial frame for the next call. */
    public List<BridgeFrame> feed(byte[] chunk) {
        pending.writeBytes(chunk);
        byte[] all = pending.toByteArray();
        List<BridgeFrame> frames = new ArrayList<>();
        int at = 0;
        while (all.length - at >= 4) {
            int length = ByteBuffer.wrap(all, at, 4).getInt();
            if (length < 0 || length > MAX_FRAME) {
                throw new IllegalStateException("bridge frame of " + length + " bytes exceeds " + MAX_FRAME);
            }
            if (all.length - at - 4 < length) {
                break;
            }
            try {
                frames.add(Json.mapper().readValue(all, at + 4, length, BridgeFrame.class));
            } catch (IOException e) {
                throw new IllegalStateException("malformed bridge frame: " + e.getMessage(), e);
            }
            at += 4 + length;
        }
        pending.reset();
        pending.write(all, at, all.length - at);
        return frames;
    }
}
