package dev.candor.event;

/**
 * Where the parts of Candor that change its state tell what happened. Called from any thread, the event
 * loops included: an implementation must not block.
 */
@FunctionalInterface
public interface EventSink {
    /** Drops every event (no journal). */
    EventSink NONE = event -> {
    };

    void record(Event event);
}
