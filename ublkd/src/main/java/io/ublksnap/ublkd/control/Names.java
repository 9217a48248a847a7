package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;

import java.util.regex.Pattern;

/** Device names: what the client checks before it asks, and the daemon again before it acts. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");

    private Names() {
    }

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Refuses a name that cannot be a device name (it becomes /dev/ublksnap/NAME and a config word). */
    public static String check(String name) {
        if (!valid(name)) {
            throw new SnapshotException("bad name '" + (name == null ? "" : Wire.printable(name))
                    + "': use letters, digits and _ . + - (up to 64), starting with a letter or digit");
        }
        return name;
    }
}
