package io.apimfleet.protocol.jvm;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommandExitTest {
    @Test
    void theSelectorThreadOfAClientThatSpokeHttpIsStoppedBeforeTheExit() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(204);

            List<Thread> stopped = CommandExit.stopHttpClientSelectors();

            assertThat(stopped).as("the client's selector thread, blocked in native code until now").isNotEmpty();
            assertThat(stopped).allSatisfy(thread -> assertThat(thread.isAlive()).as(thread.getName()).isFalse());
        } finally {
            server.stop(0);
        }
    }
}
