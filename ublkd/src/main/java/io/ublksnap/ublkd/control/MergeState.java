package io.ublksnap.ublkd.control;

/** Where a merge is. On the wire: the lower-case word. */
public enum MergeState {
    MERGING("merging"), STOPPED("stopped"), FAILED("failed"), DONE("done");

    private final String text;

    MergeState(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    public static MergeState of(String text) {
        for (MergeState s : values()) {
            if (s.text.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown merge state '" + text + "'");
    }
}
