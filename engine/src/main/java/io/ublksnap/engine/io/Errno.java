package io.ublksnap.engine.io;

/** The few Linux errno values the engine produces or inspects (x86-64 numbering), negated on use. */
public final class Errno {
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;
    public static final int ENODEV = 19;
    /** What an operation of a linked chain gets when one before it failed: it was not done. */
    public static final int ECANCELED = 125;

    private Errno() {
    }

    /** A short name for a (positive or negative) errno, for messages. */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EBUSY -> "EBUSY";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENODEV -> "ENODEV";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + Math.abs(errno);
        };
    }
}
