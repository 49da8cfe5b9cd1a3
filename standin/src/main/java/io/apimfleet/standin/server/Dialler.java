package io.apimfleet.standin.server;

import io.apimfleet.standin.config.Peer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dials a peer the way API-M's clients would: TLS verified against this node's own trust store
 * (carbon.xml TrustStore) with HTTPS endpoint identification, so a certificate whose names do not
 * match the host dialled fails as it would in the product.
 */
final class Dialler {
    private static final Pattern KEY_HASH = Pattern.compile("\"primaryKeySha256\"\\s*:\\s*\"([0-9a-f]+)\"");

    private final TrustManagerFactory trust;
    private final String trustStoreName;
    private final String primaryKeySha256;
    private final int timeoutMillis;

    Dialler(TrustManagerFactory trust, String trustStoreName, String primaryKeySha256, Duration timeout) {
        this.trust = trust;
        this.trustStoreName = trustStoreName;
        this.primaryKeySha256 = primaryKeySha256;
        this.timeoutMillis = (int) timeout.toMillis();
    }

    DialResult dial(Peer peer) {
        try {
            return switch (peer.kind()) {
                case TCP -> tcp(peer);
                case TLS -> tls(peer);
                case HTTPS -> https(peer);
            };
        } catch (UnknownHostException e) {
            return DialResult.failed("unknown host " + peer.host());
        } catch (ConnectException e) {
            return DialResult.failed("connection refused");
        } catch (SocketTimeoutException e) {
            return DialResult.failed("timed out after " + timeoutMillis + " ms");
        } catch (IOException e) {
            return DialResult.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private DialResult tcp(Peer peer) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), timeoutMillis);
            return DialResult.ok("connected");
        }
    }

    private DialResult tls(Peer peer) throws IOException {
        Handshake handshake = handshake(peer);
        try (SSLSocket socket = handshake.socket) {
            return handshake.failure != null ? handshake.failure : DialResult.ok(presented(handshake.presented));
        }
    }

    private DialResult https(Peer peer) throws IOException {
        Handshake handshake = handshake(peer);
        String presented;
        int status;
        try (SSLSocket socket = handshake.socket) {
            if (handshake.failure != null) {
                return handshake.failure;
            }
            presented = presented(handshake.presented);
            status = statusOf(get(socket, peer, "/carbon/admin/login.jsp"));
        }
        if (status != 200) {
            return DialResult.failed("peer not healthy yet (GET /carbon/admin/login.jsp answered " + status + ")");
        }
        Handshake second = handshake(peer);
        String body;
        try (SSLSocket socket = second.socket) {
            if (second.failure != null) {
                return second.failure;
            }
            String response = get(socket, peer, "/standin/identity");
            if (statusOf(response) != 200) {
                return DialResult.broken("peer has no stand-in identity (GET /standin/identity answered " + statusOf(response) + ")");
            }
            body = response.substring(response.indexOf("\r\n\r\n") + 4);
        }
        Matcher m = KEY_HASH.matcher(body);
        if (!m.find()) {
            return DialResult.broken("peer's /standin/identity names no primaryKeySha256");
        }
        if (!m.group(1).equals(primaryKeySha256)) {
            return DialResult.broken("primary key differs from ours (peer sha256 " + m.group(1) + ", ours " + primaryKeySha256
                    + "): carbon.xml Security/KeyStore must hold the same key on every node");
        }
        return DialResult.ok(presented);
    }

    private record Handshake(SSLSocket socket, X509Certificate[] presented, DialResult failure) {
    }

    private Handshake handshake(Peer peer) throws IOException {
        Recording recording = new Recording((X509ExtendedTrustManager) trust.getTrustManagers()[0]);
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recording}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(peer.host(), peer.port()), timeoutMillis);
        plain.setSoTimeout(timeoutMillis);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, peer.host(), peer.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        // What makes CN=localhost fail when a real host name or IP was dialled, as in the product's clients.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
            return new Handshake(socket, (X509Certificate[]) socket.getSession().getPeerCertificates(), null);
        } catch (SSLHandshakeException e) {
            return new Handshake(socket, recording.presented, classify(peer, e, recording.presented));
        } catch (SSLException e) {
            return new Handshake(socket, recording.presented, DialResult.failed("TLS failed: " + e.getMessage()));
        }
    }

    private DialResult classify(Peer peer, SSLHandshakeException e, X509Certificate[] presented) {
        CertificateException certificate = cause(e, CertificateException.class);
        String what = presented == null ? "" : " (presented " + presented(presented) + ")";
        if (certificate == null) {
            return DialResult.failed("TLS handshake failed: " + e.getMessage() + what);
        }
        String message = String.valueOf(certificate.getMessage());
        if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
            return DialResult.broken("certificate names do not match host " + peer.host() + what + ": " + message);
        }
        return DialResult.broken("certificate not trusted by " + trustStoreName + what + ": " + message);
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    static String presented(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "no certificate";
        }
        return "subject=" + chain[0].getSubjectX500Principal().getName() + " issuer=" + chain[0].getIssuerX500Principal().getName();
    }

    private String get(SSLSocket socket, Peer peer, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + peer.host() + ":" + peer.port()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) != -1 && response.size() < 65536) {
            response.write(buffer, 0, n);
        }
        return response.toString(StandardCharsets.ISO_8859_1);
    }

    private static int statusOf(String response) {
        String[] first = response.split("\r\n", 2)[0].split(" ");
        try {
            return first.length > 1 ? Integer.parseInt(first[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Delegates every check to the store's trust manager, remembering what the peer presented. */
    private static final class Recording extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private X509Certificate[] presented;

        Recording(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            presented = chain;
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) throws CertificateException {
            presented = chain;
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            presented = chain;
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
