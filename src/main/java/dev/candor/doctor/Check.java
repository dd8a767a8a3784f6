package dev.candor.doctor;

import dev.candor.failure.ErrorType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * One finding: what was checked, against what, the verdict, the evidence behind it, and for WARN and
 * FAIL the next step and often a command that confirms it.
 *
 * @param id stable dotted name, e.g. {@code backend.tcp}
 * @param target what was checked, e.g. {@code app 127.0.0.1:8080}
 * @param error the RFC 9209 error type the proxy would report for this finding, or null
 * @param evidence numbers, addresses and timings, in a stable order
 * @param summary one line saying what was found
 * @param advice the next step (null for PASS)
 * @param confirm a shell command that shows the finding without Candor, or null
 * @param step what this finding adds to the closing plan, or null
 */
public record Check(Section section, String id, String target, Status status, ErrorType error,
                    Map<String, Object> evidence, String summary, String advice, String confirm, Step step) {

    public Check {
        requireNonNull(section, "section");
        requireNonNull(id, "id");
        requireNonNull(target, "target");
        requireNonNull(status, "status");
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(evidence, "evidence")));
        requireNonNull(summary, "summary");
    }

    public static Builder of(Section section, String id, String target) {
        return new Builder(section, id, target);
    }

    /** Collects a check's parts in the order they are found. */
    public static final class Builder {
        private final Section section;
        private final String id;
        private final String target;
        private final Map<String, Object> evidence = new LinkedHashMap<>();
        private ErrorType error;
        private String advice;
        private String confirm;
        private Step step;

        private Builder(Section section, String id, String target) {
            this.section = section;
            this.id = id;
            this.target = target;
        }

        /** Adds one piece of evidence; null values are left out. */
        public Builder with(String key, Object value) {
            if (value != null) {
                evidence.put(key, value);
            }
            return this;
        }

        public Builder error(ErrorType type) {
            this.error = type;
            return this;
        }

        public Builder advice(String text) {
            this.advice = text;
            return this;
        }

        public Builder confirm(String command) {
            this.confirm = command;
            return this;
        }

        public Builder step(Step s) {
            this.step = s;
            return this;
        }

        public Check pass(String summary) {
            return new Check(section, id, target, Status.PASS, error, evidence, summary, advice, confirm, null);
        }

        public Check warn(String summary) {
            return new Check(section, id, target, Status.WARN, error, evidence, summary, advice, confirm, step);
        }

        public Check fail(String summary) {
            return new Check(section, id, target, Status.FAIL, error, evidence, summary, advice, confirm, step);
        }
    }
}
