package dev.candor.explain;

/** Lines read and lines that could not be read, over every file of one run. */
final class Counts {
    long lines;
    long unrecognized;
}
