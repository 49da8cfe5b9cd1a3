package io.apimfleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.apimfleet.controller.client.ControllerApiException;
import io.apimfleet.controller.client.ControllerUnreachable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The controller's answers map to the exit statuses fleet --help lists, the same for every command:
 * 2 bad input, 3 the controller unreachable or refusing, 4 the agent could not do it, 5 the rollout
 * failed, was refused or another one is running.
 */
class ExitStatusTest {

    private static int askingAgentExit(ControllerApiException answer) {
        return catchThrowableOfType(UserError.class, () -> ControllerOption.askingAgent("fleet node restart", () -> {
            throw answer;
        })).exitCode();
    }

    private static int sendingSpecExit(ControllerApiException answer) {
        return catchThrowableOfType(UserError.class, () -> ControllerOption.sendingSpec("fleet plan", () -> {
            throw answer;
        })).exitCode();
    }

    @Test
    void aNodeRequestWhileARolloutRunsExitsFive() {
        assertThat(askingAgentExit(new ControllerApiException(409, "rollout-running", "a rollout is running"))).isEqualTo(5);
    }

    @Test
    void aPlanWhileARolloutRunsExitsFive() {
        assertThat(sendingSpecExit(new ControllerApiException(409, "rollout-running", "rollout 7 is running"))).isEqualTo(5);
    }

    @Test
    void aPlanTheControllerCannotRenderExitsFive() {
        assertThat(sendingSpecExit(new ControllerApiException(409, "cannot-render", "the controller has no value for admin"))).isEqualTo(5);
    }

    @Test
    void aRolloutRefusedExitsFive() {
        assertThat(sendingSpecExit(new ControllerApiException(409, "outage-not-accepted", "gateway has one node"))).isEqualTo(5);
    }

    @Test
    void anAgentNotConnectedExitsFour() {
        assertThat(askingAgentExit(new ControllerApiException(409, "not-connected", "agent km1 is not connected"))).isEqualTo(4);
    }

    @Test
    void anAgentThatDoesNotAnswerOrFailsExitsFour() {
        assertThat(askingAgentExit(new ControllerApiException(504, "timeout", "agent km1 did not answer"))).isEqualTo(4);
        assertThat(askingAgentExit(new ControllerApiException(502, "failed", "agent km1 failed"))).isEqualTo(4);
    }

    @Test
    void aControllerRefusingTheRequestExitsThree() {
        assertThat(askingAgentExit(new ControllerApiException(403, "forbidden", "not the admin"))).isEqualTo(3);
        assertThat(sendingSpecExit(new ControllerApiException(500, "internal", "internal error"))).isEqualTo(3);
    }

    @Test
    void anUnreachableControllerExitsThree() {
        UserError error = catchThrowableOfType(UserError.class, () -> ControllerOption.askingAgent("fleet node logs", () -> {
            throw new ControllerUnreachable("cannot reach the controller at https://127.0.0.1:1", null);
        }));
        assertThat(error.exitCode()).isEqualTo(3);
    }

    @Test
    void anInvalidSpecExitsTwoWithItsProblems() {
        UserError error = catchThrowableOfType(UserError.class, () -> ControllerOption.sendingSpec("fleet apply", () -> {
            throw new ControllerApiException(400, "invalid-spec", "invalid", List.of("cluster.yaml:5:13: node name 'x' ..."));
        }));
        assertThat(error.exitCode()).isEqualTo(2);
        assertThat(error.lines()).containsExactly("cluster.yaml:5:13: node name 'x' ...");
    }
}
