package io.ublksnap.ublkd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Runs the command line in a JVM of its own as user nobody (setpriv), for checks of what another user may do. */
public final class AsNobody {
    public record Result(int code, String output) {
    }

    private AsNobody() {
    }

    public static boolean possible() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    /** {@code dir} must be one nobody can enter; the classes are copied under it. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cp = dir.resolve("nobody-cp");
        String classPath = Files.isDirectory(cp) ? String.join(java.io.File.pathSeparator, listed(cp))
                : readableClassPath(Files.createDirectories(cp));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath,
                "io.ublksnap.ublkd.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    private static List<String> listed(Path cp) throws IOException {
        try (var s = Files.list(cp)) {
            return s.sorted().map(Path::toString).toList();
        }
    }

    /** The main classes and libraries, copied where another user can read them (root's ~/.m2 is private). */
    private static String readableClassPath(Path into) throws IOException {
        StringBuilder cp = new StringBuilder();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            String n = p.getFileName().toString();
            Path copy = into.resolve(i++ + "-" + n);
            if (Files.isDirectory(p) && e.endsWith("classes") && !e.endsWith("test-classes")) {
                try (var walk = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) walk::iterator) {
                        Path t = copy.resolve(p.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(f, t);
                        }
                    }
                }
            } else if (n.startsWith("picocli") || n.startsWith("jackson") || n.startsWith("ublksnap")) {
                Files.copy(p, copy);
            } else {
                continue;
            }
            cp.append(cp.isEmpty() ? "" : java.io.File.pathSeparator).append(copy);
        }
        try (var walk = Files.walk(into)) {
            for (Path f : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return cp.toString();
    }
}
