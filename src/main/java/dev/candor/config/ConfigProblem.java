package dev.candor.config;

/** One thing wrong with a config file, located at a 1-based line and column. */
public record ConfigProblem(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
