package io.apimfleet.protocol.link;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {
    private static final BridgeFrame SEND = BridgeFrame.send(Addresses.HEARTBEAT,
            JsonNodeFactory.instance.objectNode().put("n", 1), "reply-1", Map.of("a", "b"));

    @Test
    void aFrameIsItsLengthThenItsJson() {
        byte[] bytes = FrameCodec.encode(SEND);
        int length = java.nio.ByteBuffer.wrap(bytes).getInt();
        assertThat(length).isEqualTo(bytes.length - 4);
        assertThat(new String(bytes, 4, length)).contains("\"type\":\"send\"", "\"address\":\"fleet.controller.heartbeat\"")
                .doesNotContain("null");
    }

    @Test
    void framesSplitAcrossChunksAreReassembledInOrder() {
        byte[] one = FrameCodec.encode(SEND);
        byte[] two = FrameCodec.encode(BridgeFrame.ping());
        byte[] all = new byte[one.length + two.length];
        System.arraycopy(one, 0, all, 0, one.length);
        System.arraycopy(two, 0, all, one.length, two.length);
        FrameCodec decoder = new FrameCodec();
        assertThat(decoder.feed(Arrays.copyOfRange(all, 0, 3))).isEmpty();
        List<BridgeFrame> first = decoder.feed(Arrays.copyOfRange(all, 3, one.length + 5));
        assertThat(first).containsExactly(SEND);
        assertThat(decoder.feed(Arrays.copyOfRange(all, one.length + 5, all.length))).containsExactly(BridgeFrame.ping());
    }

    @Test
    void anOversizedLengthIsRefusedBeforeAnyAllocation() {
        assertThatThrownBy(() -> new FrameCodec().feed(new byte[] {0x7f, 0, 0, 0})).hasMessageContaining("exceeds");
    }

    @Test
    void agentAddressesBelongOnlyToTheirNode() {
        assertThat(Addresses.ownedBy(Addresses.commands("km1"), "km1")).isTrue();
        assertThat(Addresses.ownedBy(Addresses.commands("km10"), "km1")).isFalse();
        assertThat(Addresses.ownedBy(Addresses.commands("gw1"), "km1")).isFalse();
    }
}
