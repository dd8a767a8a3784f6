package dev.candor.doctor;

/** The seven questions of the investigation, in the order they are asked and printed. */
public enum Section {
    BACKEND("1", "Backend up?"),
    CONFIG("2", "Proxy config right?"),
    NETWORK("3", "Network"),
    LOGS("4", "Logs"),
    BALANCER("5", "Load balancer"),
    BYPASS("6", "Bypass the proxy"),
    PLAN("7", "What to do next");

    private final String number;
    private final String title;

    Section(String number, String title) {
        this.number = number;
        this.title = title;
    }

    public String heading() {
        return number + ". " + title;
    }
}
