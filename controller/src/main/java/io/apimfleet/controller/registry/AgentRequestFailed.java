package io.apimfleet.controller.registry;

/**
 * A request to an agent that got no usable answer: the agent is not connected, did not answer in
 * time, or failed; or it was never sent, because this controller does not lead.
 */
public final class AgentRequestFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** No heartbeat from it lately, or nothing registered on its command address. */
        NOT_CONNECTED("not-connected"),
        /** It did not answer within the request timeout. */
        TIMEOUT("timeout"),
        /** It answered with a failure, or with something that is not an AgentReply. */
        FAILED("failed"),
        /** Not sent: this controller of a cluster does not lead (only the leader acts on agents). */
        NOT_LEADER("not-leader");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public AgentRequestFailed(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
