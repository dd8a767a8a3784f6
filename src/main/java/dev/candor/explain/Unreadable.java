package dev.candor.explain;

/** A line that does not have its file's shape: counted, never fatal. Thrown without a stack trace. */
final class Unreadable extends Exception {
    static final Unreadable LINE = new Unreadable();

    private Unreadable() {
        super("unreadable line", null, false, false);
    }
}
