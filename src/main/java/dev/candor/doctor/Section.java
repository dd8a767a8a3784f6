package dev.candor.doctor;

/** The questions of the investigation, in the order they are asked and printed. */
public enum Section {
    BACKEND("1", "Backend up?", "no endpoint to probe"),
    CONFIG("2", "Proxy config right?", "nothing to compare"),
    NETWORK("3", "Network", "no endpoint to probe"),
    LOGS("4", "Logs", "give --admin URL, or --access-log FILE (and --backend-log FILE)"),
    BALANCER("5", "Load balancer", "no upstream"),
    BYPASS("6", "Bypass the proxy", "give --url URL (a request that fails through the proxy)"),
    CHANGED("7", "What changed", "give --admin URL, or --journal FILE (the journal Candor writes)"),
    PLAN("8", "What to do next", "");

    private final String number;
    private final String title;
    private final String whenEmpty;

    Section(String number, String title, String whenEmpty) {
        this.number = number;
        this.title = title;
        this.whenEmpty = whenEmpty;
    }

    /** What a section with no check says: why nothing ran, and what would make it run. */
    public String whenEmpty() {
        return whenEmpty;
    }

    public String heading() {
        return number + ". " + title;
    }
}
