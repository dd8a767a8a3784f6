package dev.candor.testing;

/**
 * What a {@link TestBackend} does with one complete request. Runs on the backend's event loop: reply at
 * once, or keep {@code reply} and answer later (e.g. when a test's future completes), or never.
 */
@FunctionalInterface
public interface BackendScript {

    void respond(RecordedRequest request, Reply reply);

    /** Answers 200 with a short text body. */
    static BackendScript ok(String body) {
        return (request, reply) -> reply.send(200, body);
    }
}
