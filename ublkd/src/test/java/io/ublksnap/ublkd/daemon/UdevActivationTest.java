package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the daemon tells udev and what udev tells it back, on the host (devices that are only names):
 * RUN/names/ublkbN for the rule that makes /dev/ublksnap/NAME, RUN/wanted while devices wait for a
 * backing, and RUN/appeared, where udev's matcher reports a backing device that appeared.
 */
class UdevActivationTest {
    @TempDir
    Path dir;

    final FakeHost host = new FakeHost();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<Daemon> daemons = new ArrayList<>();

    Path run() {
        return dir.resolve("run");
    }

    Daemon daemon() throws Exception {
        Daemon d = new Daemon(host, new EngineLifecycle(Origin.Options.DEFAULT), Backings.SYSTEM, dir.resolve("devices.conf"), null,
                run(), log::add, Daemon.Options.DEFAULT);
        daemons.add(d);
        return d;
    }

    @AfterEach
    void closeAll() {
        for (Daemon d : daemons) {
            d.close();
        }
    }

    Path sparse(String name, long bytes) throws IOException {
        return SparseFile.of(dir, name, bytes);
    }

    /** names/ as udev sees it: file -> its text. */
    List<String> names() throws IOException {
        Path n = run().resolve("names");
        if (!Files.isDirectory(n)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(n)) {
            return s.sorted().map(p -> {
                try {
                    return p.getFileName() + ":" + Files.readString(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
    }

    List<String> wanted() throws IOException {
        Path w = run().resolve("wanted");
        return Files.exists(w) ? Files.readAllLines(w) : List.of();
    }

    List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(run())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    static void within(Duration limit, BooleanSupplier done) {
        assertTimeoutPreemptively(limit, () -> {
            while (!done.getAsBoolean()) {
                Thread.sleep(20);
            }
        });
    }

    @Test
    void aNamesFileForEveryDiskIsThereBeforeItStartsAndGoesWithIt() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        Files.createDirectories(run().resolve("names"));
        Files.writeString(run().resolve("names/ublkb7"), "UBLKSNAP_NAME=stale\n"); // an earlier daemon was killed
        List<String> seenAtStart = new ArrayList<>();
        DeviceHost announcing = new DeviceHost() {
            @Override
            public Served serve(String name, io.ublksnap.engine.Target target, Geometry geometry, int id, boolean required,
                                java.util.function.Consumer<String> beforeStart) {
                return host.serve(name, target, geometry, id, required, path -> {
                    beforeStart.accept(path);
                    try {
                        seenAtStart.addAll(names()); // what udev's add event would read
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }

            @Override
            public io.ublksnap.ublkd.control.FeaturesInfo features() {
                return host.features();
            }
        };
        Daemon d = new Daemon(announcing, new EngineLifecycle(Origin.Options.DEFAULT), Backings.SYSTEM, dir.resolve("devices.conf"),
                null, run(), log::add, Daemon.Options.DEFAULT);
        daemons.add(d);
        d.restore();
        assertEquals(List.of(), names(), "an earlier daemon's names file was kept");
        d.handle(new Request.CreateOrigin("base", base.toString(), 0));
        assertEquals(List.of("fake0:UBLKSNAP_NAME=base\n"), seenAtStart, "the names file was not there when the disk appeared");
        d.handle(new Request.CreateSnapshot("s1", "base", dir.resolve("s1.cow").toString(), StoreType.PERSISTENT, 8, 8 << 20, false));
        assertEquals(List.of("fake0:UBLKSNAP_NAME=base\n", "fake1:UBLKSNAP_NAME=s1\n"), names());
        d.handle(new Request.Remove("s1", false));
        assertEquals(List.of("fake0:UBLKSNAP_NAME=base\n"), names());
        assertEquals(List.of(), leftovers());
        d.close();
        assertEquals(List.of(), names(), "names files outlived the daemon");
    }

    @Test
    void wantedListsWhatWaitsAndGoesWhenNothingDoes() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        Path late = dir.resolve("not-there-yet/late.img");
        Path s2 = dir.resolve("not-there-yet/s2.cow");
        Path s3 = dir.resolve("elsewhere/s3.cow");
        Files.writeString(dir.resolve("devices.conf"), "origin base " + base + "\n"
                + "origin late " + late + "\n"
                + "snapshot s2 late " + s2 + " P 16\n"
                + "snapshot s3 late " + s3 + " P 16\n");
        Daemon d = daemon();
        d.restore();
        assertEquals(List.of(late.toString(), s2.toString(), s3.toString()), wanted());
        d.handle(new Request.Remove("s3", false)); // go on without it
        assertEquals(List.of(late.toString(), s2.toString()), wanted());
        assertEquals(List.of(), leftovers());

        sparse("not-there-yet/late.img", 16 << 20); // the origin comes, its snapshot's COW not yet
        d.backingsAppeared(List.of());
        assertFalse(d.describe("late").active());
        assertEquals(List.of(s2.toString()), wanted(), "an origin already open is still wanted");

        sparse("not-there-yet/s2.cow", 8 << 20);
        d.backingsAppeared(List.of());
        assertTrue(d.describe("late").active() && d.describe("s2").active());
        assertFalse(Files.exists(run().resolve("wanted")), "wanted stays while nothing waits");
    }

    @Test
    void aStoppedDaemonLeavesNothingForUdev() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        Files.writeString(dir.resolve("devices.conf"), "origin base " + base + "\norigin late " + dir.resolve("gone/late.img") + "\n");
        Daemon d = daemon();
        d.restore();
        assertEquals(1, names().size());
        assertTrue(Files.exists(run().resolve("wanted")));
        d.close();
        d.backingsAppeared(List.of("/dev/loop1")); // a report that was on its way: the activation it starts publishes nothing
        assertEquals(List.of(), names());
        assertFalse(Files.exists(run().resolve("wanted")), "a stopped daemon still asks udev for its backings");
        assertFalse(Files.exists(run().resolve("appeared")));
    }

    @Test
    void aBackingReportedByUdevBringsItsFamilyUpByItself() throws Exception {
        Path late = dir.resolve("disk/late.img");
        Path s1 = dir.resolve("disk/s1.cow");
        Files.writeString(dir.resolve("devices.conf"), "origin late " + late + "\nsnapshot s1 late " + s1 + " P 8\n");
        Daemon d = daemon();
        d.restore();
        assertFalse(d.describe("late").active());
        Path appeared = run().resolve("appeared");
        assertTrue(Files.exists(appeared), "no file for udev to report to");

        // a device nobody waits for: the matcher does not report it; a stray report changes nothing
        Files.writeString(appeared, "/dev/loop9\n", StandardOpenOption.APPEND);
        within(Duration.ofSeconds(30), () -> log.stream().anyMatch(l -> l.startsWith("appeared: /dev/loop9")));
        assertFalse(d.describe("late").active());

        sparse("disk/late.img", 16 << 20);
        sparse("disk/s1.cow", 8 << 20);
        Files.writeString(appeared, "/dev/loop3\n", StandardOpenOption.APPEND); // what the matcher does
        within(Duration.ofSeconds(30), () -> d.describe("late").active());
        assertTrue(d.describe("s1").active());
        within(Duration.ofSeconds(30), () -> !Files.exists(run().resolve("wanted")));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("appeared: /dev/loop3")), log.toString());
        within(Duration.ofSeconds(30), () -> log.stream().anyMatch(l -> l.equals("up by themselves: late, s1")));
    }

    /** Runs udev's matcher (packaging/udev-appeared) as the rule does; returns what it reported. */
    List<String> match(String devnode, String number, String diskseq) throws Exception {
        Path script = Path.of("..", "packaging", "udev-appeared").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), devnode, number, run().toString()).redirectErrorStream(true);
        pb.environment().remove("DISKSEQ");
        if (diskseq != null) {
            pb.environment().put("DISKSEQ", diskseq); // udev gives RUN programs the device's properties
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out);
        Path appeared = run().resolve("appeared");
        List<String> lines = Files.exists(appeared) ? Files.readAllLines(appeared) : List.of();
        Files.deleteIfExists(appeared);
        return lines;
    }

    @Test
    void udevsMatcherReportsOnlyWantedDevices() throws Exception {
        Files.createDirectories(run());
        assertEquals(List.of(), match("/dev/null", "1:3", null), "reported while nothing waits");
        Path link = Files.createSymbolicLink(dir.resolve("by-label-null"), Path.of("/dev/null"));
        Files.writeString(run().resolve("wanted"), "/srv/not mounted/o.img\n/dev/disk/by-label/nothing\n/dev/loop7\n7:9\n"
                + "/dev/.." + link + "\n"); // a path under /dev that is a link to /dev/null
        assertEquals(List.of("/dev/loop7 42"), match("/dev/loop7", "7:7", "42"), "by its node, with its DISKSEQ");
        assertEquals(List.of("/dev/loop9"), match("/dev/loop9", "7:9", null), "by its number");
        assertEquals(List.of("/dev/null"), match("/dev/null", "1:3", null), "by a link to it under /dev");
        assertEquals(List.of(), match("/dev/loop1", "7:1", null), "an unrelated device");
        assertEquals(List.of(), match("/dev/zero", "1:5", null), "an unrelated device");
    }

    @Test
    void aReportTriedInVainIsNotTriedAgainUntilTheDiskIsAttachedAgain() throws Exception {
        Path late = sparse("disk/late.img", 16 << 20);
        Path s1 = dir.resolve("disk/s1.cow");
        Files.writeString(dir.resolve("devices.conf"), "origin late " + late + "\nsnapshot s1 late " + s1 + " P 8\n");
        Daemon d = daemon();
        d.restore();
        assertEquals(List.of(s1.toString()), wanted());
        int passes = count("activating what waits");
        d.backingsAppeared(List.of("/dev/loop7 5")); // s1's COW is still missing: nothing changes
        d.backingsAppeared(List.of("/dev/loop7 5")); // what closing the device after the attempt makes udev send
        d.backingsAppeared(List.of("/dev/loop7 5"));
        assertEquals(passes + 1, count("activating what waits"), "an attempt that changed nothing was repeated: " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("appeared again: /dev/loop7 5 (tried already")), log.toString());
        sparse("disk/s1.cow", 8 << 20);
        d.backingsAppeared(List.of("/dev/loop7 6")); // attached again: a new DISKSEQ
        assertTrue(d.describe("late").active() && d.describe("s1").active());
    }

    int count(String text) {
        synchronized (log) {
            return (int) log.stream().filter(l -> l.contains(text)).count();
        }
    }

    @Test
    void aStableNameInTheConfigurationStaysAfterActivation() throws Exception {
        Path img = sparse("disks/sdb.img", 16 << 20);
        Path cow = sparse("disks/sdc.cow", 8 << 20);
        Path byLabel = Files.createDirectories(dir.resolve("by-label"));
        Path link = Files.createSymbolicLink(byLabel.resolve("data"), img);
        Path cowLink = Files.createSymbolicLink(byLabel.resolve("cow"), cow);
        String conf = "origin base " + link + "\nsnapshot s1 base " + cowLink + " P 8\n";
        Files.writeString(dir.resolve("devices.conf"), conf);
        Daemon d = daemon();
        d.restore();
        assertTrue(d.describe("base").active() && d.describe("s1").active());
        d.handle(new Request.Activate(null)); // saves the configuration again
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")).replaceAll("(?m)^#.*\n", "").replaceAll(" id=\\d+", ""),
                "the stable names became kernel names (next time the link may point elsewhere)");
    }
}
