package io.apimfleet.e2e;

import static io.apimfleet.e2e.ClusteredControllers.awaitLeader;
import static io.apimfleet.e2e.ClusteredControllers.awaitRunning;
import static io.apimfleet.e2e.ClusteredControllers.launch;
import static io.apimfleet.e2e.ClusteredControllers.millisSince;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.apimfleet.controller.cluster.ClusterView;
import io.apimfleet.controller.cluster.ControllerMember;
import io.apimfleet.e2e.ClusteredControllers.Member;
import io.apimfleet.protocol.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code fleet controller run --cluster} processes of the built distribution on 127.0.0.70,
 * .71 and .72 (issue 9): one leader, the same view from every member, a follower refusing
 * leader-only work by naming the leader, a leader frozen with SIGSTOP replaced by one with a
 * higher epoch and stepping down (refusing leader-only work) once it runs again, a new leader
 * with a higher epoch after the leader's SIGKILL, and after a full restart of the three (a new CP group, whose lock fences start small
 * again) a leader whose epoch is still higher; last, a {@code fleet-agent} joined to controller 1
 * is linked to another controller within seconds of controller 1's SIGKILL. The tests kill and
 * restart, so the order is fixed.
 *
 * <p>Controllers 2 and 3 join controller 1 with {@code fleet controller join} before they start
 * (their own intermediate CAs and admin certificates; {@link ClusteredControllers#start}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerHaProcessTest {
    private static final String[] IPS = {"127.0.0.70", "127.0.0.71", "127.0.0.72"};

    @TempDir
    static Path dir;

    private final List<Member> members = new ArrayList<>();

    @BeforeAll
    void startThreeControllers() throws IOException {
        Path first = dir.resolve("controller-1");
        Launched.run(dir.resolve("logs/init.log"), "fleet", "init", "--state", first.toString(), "--advertise", IPS[0] + ":7443");
        List<Member> planned = ClusteredControllers.plan(List.of(IPS), first);
        long start = System.nanoTime();
        members.addAll(ClusteredControllers.start(dir, planned));
        System.out.printf("[ha] three controllers running in %d ms%n", millisSince(start));
    }

    @AfterAll
    void stopEveryController() {
        members.forEach(m -> m.process().close());
    }

    @Test
    @Order(1)
    void exactlyOneControllerLeads() {
        long start = System.nanoTime();
        Member leader = awaitLeader(members, 0);
        System.out.printf("[ha] leader %s (epoch %d) %d ms after all were running%n", leader.ip(), leader.view().epoch(), millisSince(start));

        for (Member member : members) {
            ClusterView view = member.view();
            assertThat(view.members().stream().filter(ControllerMember::leader)).as(member.ip() + ": " + view).hasSize(1);
        }
    }

    @Test
    @Order(2)
    void fleetControllersListsTheThreeMembersAndTheSameLeaderFromEveryMember() throws IOException {
        Member leader = awaitLeader(members, 0);
        for (Member member : members) {
            String json = Launched.run(dir.resolve("logs/controllers-" + member.ip() + ".log"), "fleet", "controllers",
                    "--state", member.state().toString(), "--controller", member.api().toString(), "--output", "json");
            JsonNode view = Json.mapper().readTree(json.substring(json.indexOf('{')));
            List<String> addresses = new ArrayList<>();
            List<String> leaders = new ArrayList<>();
            view.get("members").forEach(m -> {
                addresses.add(m.get("address").asText());
                if (m.get("leader").asBoolean()) {
                    leaders.add(m.get("api").asText());
                }
            });
            assertThat(addresses).as(member.ip()).containsExactlyInAnyOrderElementsOf(members.stream().map(Member::clusterAddress).toList());
            assertThat(leaders).as(member.ip()).containsExactly(leader.api().toString());
            assertThat(view.get("epoch").asLong()).isPositive();

            String table = Launched.run(dir.resolve("logs/controllers-table-" + member.ip() + ".log"), "fleet", "controllers",
                    "--state", member.state().toString(), "--controller", member.api().toString());
            assertThat(table).contains("leader " + leader.clusterAddress());
        }
    }

    @Test
    @Order(3)
    void aRolloutCallOnAFollowerIsRefusedNamingTheLeaderAndExits5() throws InterruptedException {
        Member leader = awaitLeader(members, 0);
        Member follower = members.stream().filter(m -> m != leader).findFirst().orElseThrow();

        try (Launched resume = Launched.start(dir.resolve("logs/resume-on-follower.log"), "fleet", "rollout", "resume",
                "--state", follower.state().toString(), "--controller", follower.api().toString())) {
            assertThat(resume.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            System.out.println("[ha] fleet rollout resume on the follower " + follower.ip() + ": " + resume.output().strip());
            assertThat(resume.process().exitValue()).as(resume.output()).isEqualTo(5);
            assertThat(resume.output()).contains("this controller follows; the leader is " + leader.api());
        }
    }

    @Test
    @Order(4)
    void aLeaderFrozenWithSigstopIsReplacedAndStepsDownWhenItRunsAgain() throws Exception {
        Member frozen = awaitLeader(members, 0);
        long epoch = frozen.view().epoch();
        List<Member> others = members.stream().filter(m -> m != frozen).toList();

        long start = System.nanoTime();
        signal("STOP", frozen);   // a partition as the others see it: no heartbeat, no leave, its sockets still open
        Member next;
        try {
            next = awaitLeader(others, epoch);
        } finally {
            signal("CONT", frozen);
        }
        long replaced = millisSince(start);
        await().atMost(Duration.ofSeconds(60)).until(() -> frozen.process().output().contains("is no longer leader (epoch " + epoch + ")"));
        Member agreed = awaitLeader(members, epoch);
        System.out.printf("[ha] leader %s frozen (epoch %d); %s leads (epoch %d) %d ms later; after SIGCONT the frozen one stepped down, %d ms after the freeze%n",
                frozen.ip(), epoch, next.ip(), next.view().epoch(), replaced, millisSince(start));

        assertThat(agreed).isEqualTo(next);
        assertThat(next.view().epoch()).isGreaterThan(epoch);
        try (Launched resume = Launched.start(dir.resolve("logs/resume-on-woken.log"), "fleet", "rollout", "resume",
                "--state", frozen.state().toString(), "--controller", frozen.api().toString())) {
            assertThat(resume.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(resume.process().exitValue()).as(resume.output()).isEqualTo(5);
            assertThat(resume.output()).contains("this controller follows; the leader is " + next.api());
        }
    }

    private static void signal(String signal, Member member) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(member.process().process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    @Test
    @Order(5)
    void afterTheLeadersSigkillAnotherControllerLeadsWithAHigherEpoch() throws InterruptedException {
        Member leader = awaitLeader(members, 0);
        long epoch = leader.view().epoch();
        List<Member> survivors = members.stream().filter(m -> m != leader).toList();

        long start = System.nanoTime();
        leader.process().process().destroyForcibly();   // SIGKILL: no clean leave, the lock goes when its session expires
        assertThat(leader.process().process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Member next = awaitLeader(survivors, epoch);
        long took = millisSince(start);

        ClusterView view = next.view();
        System.out.printf("[ha] leader %s SIGKILLed (epoch %d); %s leads (epoch %d) %d ms later%n", leader.ip(), epoch, next.ip(), view.epoch(), took);
        assertThat(next).isNotEqualTo(leader);
        assertThat(view.epoch()).isGreaterThan(epoch);
        for (Member survivor : survivors) {
            assertThat(survivor.view().leader().map(ControllerMember::api)).as(survivor.ip()).contains(next.api().toString());
        }
    }

    @Test
    @Order(6)
    void afterAFullRestartOfTheControllersTheNewLeaderActsAboveTheOldEpoch() throws IOException {
        long before = awaitLeader(members.stream().filter(m -> m.process().process().isAlive()).toList(), 0).view().epoch();
        long start = System.nanoTime();
        members.forEach(m -> m.process().process().destroy());   // SIGTERM to all at once: they leave in parallel
        members.forEach(m -> m.process().close());   // all three down: the CP group, and its lock's fences, are gone
        System.out.printf("[ha] full restart: all three stopped in %d ms%n", millisSince(start));

        List<String> peers = members.stream().map(Member::clusterAddress).toList();
        List<Member> restarted = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            restarted.add(launch(dir.resolve("logs"), members.get(i), peers, "controller-" + (i + 1) + "-restarted"));
        }
        members.clear();
        members.addAll(restarted);
        awaitRunning(members);
        Member leader = awaitLeader(members, 0);
        long after = leader.view().epoch();
        System.out.printf("[ha] full restart: epoch %d before, %s leads under epoch %d %d ms after the stop began%n", before, leader.ip(), after, millisSince(start));
        assertThat(after).isGreaterThan(before);
    }

    @Test
    @Order(7)
    void anAgentWhoseControllerIsSigkilledIsLinkedToAnotherWithinSeconds() throws IOException, InterruptedException {
        awaitLeader(members, 0);   // the three are one cluster again, so each names all three bridges
        Member first = members.get(0);
        Matcher join = ClusteredControllers.JOIN.matcher(Launched.run(dir.resolve("logs/token-n1.log"), "fleet", "token", "create",
                "--state", first.state().toString(), "--node", "n1"));
        assertThat(join.find()).isTrue();
        Path agentState = dir.resolve("hosts/n1");
        Launched.run(dir.resolve("logs/join-n1.log"), "fleet-agent", "join", "--controller", first.api().toString(),
                "--node", "n1", "--token", join.group(1), "--ca-hash", join.group(2), "--state", agentState.toString());
        JsonNode link = Json.mapper().readTree(agentState.resolve("identity/controller.json").toFile());
        List<String> endpoints = new ArrayList<>();
        link.get("bridgeEndpoints").forEach(e -> endpoints.add(e.asText()));
        assertThat(endpoints).as("the join answer names every controller's bridge, controller 1's first").hasSize(3);
        assertThat(endpoints.get(0)).startsWith(first.ip() + ":");

        try (Launched agent = Launched.start(dir.resolve("logs/agent-n1.log"), "fleet-agent", "run", "--state", agentState.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> agent.output().contains("link: connected to " + first.ip() + ":"));
            long start = System.nanoTime();
            first.process().process().destroyForcibly();   // SIGKILL: the kernel closes its sockets
            assertThat(first.process().process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            Pattern elsewhere = Pattern.compile("link: connected to (" + Pattern.quote(IPS[1]) + "|" + Pattern.quote(IPS[2]) + "):");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> elsewhere.matcher(agent.output()).find());
            long took = millisSince(start);
            Matcher on = elsewhere.matcher(agent.output());
            assertThat(on.find()).isTrue();
            System.out.printf("[ha] agent n1 of %s (SIGKILLed) linked to %s %d ms later%n", first.ip(), on.group(1), took);
        }
    }
}
