package io.apimfleet.bundle;

import io.apimfleet.bundle.stage.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A process killed anywhere in a multi-file apply leaves, after recovery, the whole old or the whole new home. */
class CrashRecoveryTest {
    private static final int RUNS = 20;

    @TempDir
    Path dir;

    @Test
    void aKilledApplyAlwaysRecoversToWhollyOldOrWhollyNew() throws Exception {
        Map<String, String> oldHome = Homes.snapshot(Homes.mini(dir.resolve("old")));
        Path reference = Homes.mini(dir.resolve("new"));
        List<String> labels = new ArrayList<>();
        new BundleApplier(reference, dir.resolve("new-state"), Secrets.of(CrashHarness.SECRETS), labels::add)
                .apply(SampleBundles.multiFile(1));
        Map<String, String> newHome = Homes.snapshot(reference);
        assertThat(newHome).isNotEqualTo(oldHome);

        long seed = System.nanoTime();
        List<Integer> stops = stopPoints(labels, new Random(seed));
        int old = 0;
        int fresh = 0;
        List<String> where = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            Path home = Homes.mini(dir.resolve("run" + run));
            Path state = dir.resolve("run" + run + "-state");
            String stoppedAt = killChildAt(home, state, stops.get(run));
            where.add(stops.get(run) + ":" + stoppedAt);

            new BundleApplier(home, state, Secrets.of(CrashHarness.SECRETS), Checkpoints.NONE).recover();

            Map<String, String> after = Homes.snapshot(home);
            assertThat(after).as("run %d (seed %d) stopped at %s", run, seed, stoppedAt).isIn(oldHome, newHome);
            if (after.equals(oldHome)) {
                old++;
            } else {
                fresh++;
            }
            new BundleApplier(home, state, Secrets.of(CrashHarness.SECRETS)).apply(SampleBundles.multiFile(1));
            assertThat(Homes.snapshot(home)).as("re-apply after run %d", run).isEqualTo(newHome);
        }
        System.out.printf("crash test: %d of %d recoveries consistent (%d wholly old, %d wholly new), %d durable steps, seed %d, stops %s%n",
                old + fresh, RUNS, old, fresh, labels.size(), seed, where);
        assertThat(old).isPositive();
        assertThat(fresh).isPositive();
    }

    /**
     * The steps on either side of the commit point always, then the others in random order
     * (repeating at random when there are fewer steps than runs).
     */
    private static List<Integer> stopPoints(List<String> labels, Random random) {
        int commit = labels.indexOf("intent committed");
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            if (i != commit && i != commit - 1) {
                others.add(i);
            }
        }
        Collections.shuffle(others, random);
        List<Integer> points = new ArrayList<>(List.of(commit - 1, commit));
        points.addAll(others);
        while (points.size() < RUNS) {
            points.add(random.nextInt(labels.size()));
        }
        return points.subList(0, RUNS);
    }

    private static String killChildAt(Path home, Path state, int stopAt) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), CrashHarness.class.getName(),
                home.toString(), state.toString(), Integer.toString(stopAt))
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith("STOPPED ")) {
                    child.destroyForcibly();   // SIGKILL: no shutdown hooks, no finally blocks
                    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    return line.substring("STOPPED ".length());
                }
                if (line != null && !line.equals("DONE")) {
                    System.err.println("child: " + line);
                }
                if (!child.isAlive() && lines.isEmpty()) {
                    throw new AssertionError("the child ended without reaching step " + stopAt + " (exit " + child.exitValue() + ")");
                }
            }
            throw new AssertionError("the child did not reach step " + stopAt + " within 60 s");
        } finally {
            child.destroyForcibly();
        }
    }
}
