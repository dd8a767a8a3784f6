package dev.candor.explain;

/** Where classified lines go as the files are read: a report that prints as it goes, or one that groups. */
interface Sink {

    /** A failed request (proxy-made, upstream-made, or a client that went away). */
    void accept(Failure failure);
}
