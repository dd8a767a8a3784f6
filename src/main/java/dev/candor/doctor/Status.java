package dev.candor.doctor;

/** A check's verdict; the order is the severity, so the worst of a report is its maximum. */
public enum Status {
    PASS, WARN, FAIL
}
