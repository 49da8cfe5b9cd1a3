package io.apimfleet.controller.testing;

import io.apimfleet.protocol.link.BridgeFrame;
import io.apimfleet.protocol.link.FrameCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One ping to a controller's bridge over a JDK TLS socket, host name checked. With TLS 1.3 a
 * refused client certificate shows at the first read, so the client writes a ping and reads with
 * a deadline: a refused one gets no pong, only the end of the connection.
 */
public final class BridgePing {
    private static final int DEADLINE_MS = 10_000;

    private BridgePing() {
    }

    /** What a client got for its ping: "pong" (or another frame type), "closed" (end of stream or TLS refusal), "timeout". */
    public static String with(SSLContext context, String host, int port) {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(host, port), DEADLINE_MS);
            socket.setSoTimeout(DEADLINE_MS);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write(FrameCodec.encode(BridgeFrame.ping()));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            FrameCodec codec = new FrameCodec();
            byte[] buffer = new byte[4096];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                List<BridgeFrame> frames = codec.feed(java.util.Arrays.copyOf(buffer, read));
                if (!frames.isEmpty()) {
                    return frames.get(0).type();
                }
            }
            return "closed";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "closed";
        }
    }
}
