package io.apimfleet.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the fake controller by hand (to watch or measure a real {@code fleet-agent} process):
 * writes {@code url}, {@code pin} and {@code token} lines to the file named by the first argument
 * and serves until killed.
 */
public final class FakeControllerMain {
    private FakeControllerMain() {
    }

    public static void main(String[] args) throws Exception {
        FakeController controller = FakeController.start(TestCa.create("apim-fleet fleet CA manual"));
        if (args.length > 1) {
            controller.tokenNode = args[1];
        }
        Files.writeString(Path.of(args[0]), "url=" + controller.url() + "\npin=" + controller.pin() + "\ntoken=" + FakeController.TOKEN + "\n");
        System.out.println("fake controller at " + controller.url() + ", bridge " + controller.bridgeEndpoint());
        Thread.currentThread().join();
    }
}
