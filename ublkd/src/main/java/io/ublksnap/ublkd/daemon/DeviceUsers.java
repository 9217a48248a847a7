package io.ublksnap.ublkd.daemon;

import io.ublksnap.ffi.Errno;
import io.ublksnap.ffi.Libc;
import io.ublksnap.ffi.NativeException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who uses a block device, as far as the kernel tells: mounts (/proc/self/mountinfo), devices
 * stacked on it (/sys/class/block/NAME/holders: dm, md, loop), processes with it open
 * (/proc/PID/fd), and finally an exclusive open (O_EXCL fails with EBUSY while a file system,
 * a swap area or another exclusive opener holds it). dmsetup refuses to remove a device whose
 * open count is not 0 ("device is busy"); a ublk device has no open count userspace can read, so
 * this is the check instead. It is a snapshot of a moment: a process may open the device right
 * after it (the kernel's own check on 7.x, UBLK_F_SAFE_STOP_DEV, closes that window).
 */
final class DeviceUsers {
    private DeviceUsers() {
    }

    /** What holds {@code /dev/ublkbN} open, in words ("mounted on /mnt/a; open by pid 12 (fio)"), or null when nothing does. */
    static String of(String blockPath) {
        String kernelName = Path.of(blockPath).getFileName().toString();
        List<String> users = new ArrayList<>();
        String majMin = read(Path.of("/sys/class/block", kernelName, "dev"));
        if (majMin != null) {
            for (String m : mountPoints(read(Path.of("/proc/self/mountinfo")), majMin.strip())) {
                users.add("mounted on " + m);
            }
        }
        for (String h : list(Path.of("/sys/class/block", kernelName, "holders"))) {
            users.add("held by " + h);
        }
        users.addAll(openers(blockPath));
        if (users.isEmpty() && heldExclusively(blockPath)) {
            users.add("held open exclusively (a file system, swap or another exclusive user)");
        }
        return users.isEmpty() ? null : String.join("; ", users);
    }

    /** The mount points of device {@code majMin} in a mountinfo text (field 3 is MAJ:MIN, field 5 the mount point). */
    static List<String> mountPoints(String mountinfo, String majMin) {
        List<String> out = new ArrayList<>();
        if (mountinfo == null) {
            return out;
        }
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[2].equals(majMin)) {
                out.add(unescape(f[4]));
            }
        }
        return out;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes (\040). */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }

    /** "open by pid 12 (fio)" for each process with a descriptor on the device (ublkd itself excluded). */
    private static List<String> openers(String blockPath) {
        List<String> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                if (Long.parseLong(proc.getFileName().toString()) == self) {
                    continue;
                }
                for (String fd : list(proc.resolve("fd"))) {
                    try {
                        if (Files.readSymbolicLink(proc.resolve("fd").resolve(fd)).toString().equals(blockPath)) {
                            String comm = read(proc.resolve("comm"));
                            out.add("open by pid " + proc.getFileName() + (comm != null ? " (" + comm.strip() + ")" : ""));
                            break;
                        }
                    } catch (IOException | UnsupportedOperationException gone) {
                        // the descriptor or the process went away meanwhile
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: nothing to say
        }
        return out;
    }

    private static boolean heldExclusively(String blockPath) {
        try {
            Libc.close(Libc.open(blockPath, Libc.O_RDONLY | Libc.O_EXCL | Libc.O_CLOEXEC | Libc.O_NONBLOCK));
            return false;
        } catch (NativeException e) {
            return e.errno() == Errno.EBUSY;
        }
    }

    private static List<String> list(Path dir) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            // not there, or not readable: nothing to say
        }
        out.sort(null);
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
