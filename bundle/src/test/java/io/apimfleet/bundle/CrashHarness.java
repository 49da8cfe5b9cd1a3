package io.apimfleet.bundle;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child process of the crash test: applies {@link SampleBundles#multiFile} and, at durable step
 * number {@code stopAt}, says so and waits to be killed. Prints DONE when it got past every step.
 */
public final class CrashHarness {
    static final Map<String, String> SECRETS = Map.of("keystore-password", "s3cr&t-Value");

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path state = Path.of(args[1]);
        int stopAt = Integer.parseInt(args[2]);
        AtomicInteger step = new AtomicInteger();
        BundleApplier applier = new BundleApplier(home, state, Secrets.of(SECRETS), label -> {
            if (step.getAndIncrement() == stopAt) {
                System.out.println("STOPPED " + label);
                System.out.flush();
                Object never = new Object();
                synchronized (never) {
                    while (true) {
                        try {
                            never.wait();
                        } catch (InterruptedException ignored) {
                            // only SIGKILL ends this process
                        }
                    }
                }
            }
        });
        applier.apply(SampleBundles.multiFile(1));
        System.out.println("DONE");
    }
}
