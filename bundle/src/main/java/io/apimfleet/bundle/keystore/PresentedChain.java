package io.apimfleet.bundle.keystore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificates a TLS server presents, over a handshake that sends nothing else (no client
 * certificate, no request): the first step of a join, before the CA found among them is compared
 * with a pin. Trusts nothing; the caller decides. Blocking.
 */
public final class PresentedChain {
    private PresentedChain() {
    }

    /** The chain {@code host:port} presents (leaf first), or an IOException when none arrived. */
    public static List<X509Certificate> of(String host, int port, Duration timeout) throws IOException {
        List<X509Certificate> seen = new ArrayList<>();
        X509ExtendedTrustManager capture = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.clear();
                seen.addAll(List.of(chain));
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                checkClientTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {capture}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int millis = (int) timeout.toMillis();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), millis);
            plain.setSoTimeout(millis);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                if (!host.matches("[0-9.]+|.*:.*")) {
                    SSLParameters parameters = socket.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(host)));
                    socket.setSSLParameters(parameters);
                }
                socket.startHandshake();
            } catch (SSLException e) {
                if (seen.isEmpty()) {
                    throw e;
                }
                // the chain arrived before the handshake failed: enough to compare a pin
            }
        } finally {
            plain.close();
        }
        return List.copyOf(seen);
    }
}
