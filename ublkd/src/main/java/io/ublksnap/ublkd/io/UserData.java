package io.ublksnap.ublkd.io;

/**
 * The {@code user_data} of every SQE on a {@link RingLoop}'s ring, the one table of what a
 * completion belongs to: the kind of work in the top byte, an index below it (an operation slot,
 * a ublk tag). Kinds {@link #OP} and {@link #WAKE} are the loop's own; the others are handed out
 * by {@link RingLoop#register} to whoever composes the loop with more work (a ublk queue's tags).
 */
public final class UserData {
    /** A backing I/O operation of the loop; the index is its slot. */
    public static final int OP = 0;
    /** The read on the loop's eventfd that wakes it for tasks from other threads. */
    public static final int WAKE = 1;
    /** The first kind {@link RingLoop#register} hands out. */
    static final int FIRST_REGISTERED = 2;
    /** The number of kinds (one byte). */
    static final int KINDS = 256;

    private static final int KIND_SHIFT = 56;

    private UserData() {
    }

    /** The user_data of work of {@code kind} at {@code index} (0 or more). */
    public static long of(int kind, int index) {
        return ((long) kind << KIND_SHIFT) | Integer.toUnsignedLong(index);
    }

    /** The kind {@link #of} packed. */
    public static int kind(long userData) {
        return (int) (userData >>> KIND_SHIFT);
    }

    /** The index {@link #of} packed. */
    public static int index(long userData) {
        return (int) userData;
    }
}
