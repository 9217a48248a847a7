package io.ublksnap.ublkd.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The links /dev/ublksnap/NAME the daemon makes next to udev's. udev makes the same link when the disk's
 * add event is processed, and systemd, handling that event, checks that the link resolves to the disk: a
 * link missing at that moment makes systemd drop the name's device unit, and a mount of
 * /dev/ublksnap/NAME waits for it until it times out (seen in the systemd guest's t-fstab). So the daemon
 * never takes a link away while making it: it replaces it in one rename.
 */
class LinksTest {
    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();

    @Test
    void replacingALinkNeverLeavesTheNameMissing() throws Exception {
        Path links = dir.resolve("ublksnap");
        Links l = new Links(links, null, log::add);
        Path link = links.resolve("fsdata");
        Files.createDirectories(links);
        Files.createSymbolicLink(link, Path.of("/dev/ublkb0")); // udev made it first
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong missing = new AtomicLong();
        AtomicLong looks = new AtomicLong();
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                looks.incrementAndGet();
                if (!Files.isSymbolicLink(link)) {
                    missing.incrementAndGet();
                }
            }
        });
        try {
            for (int i = 0; i < 20_000 && missing.get() == 0; i++) {
                l.link("fsdata", "/dev/ublkb" + (i % 2));
            }
        } finally {
            stop.set(true);
            watcher.join();
        }
        assertTrue(looks.get() > 0);
        assertEquals(0, missing.get(), "the link was missing in " + missing.get() + " of " + looks.get() + " looks");
        assertEquals(List.of(), log);
    }

    /** A daemon killed while it replaced a link leaves its temporary link: the next one clears it, as unlink does. */
    @Test
    void temporaryLinksLeftBehindAreCleared() throws Exception {
        Path links = dir.resolve("ublksnap");
        Files.createDirectories(links);
        Files.createSymbolicLink(links.resolve(".a.tmp"), Path.of("/dev/ublkb1"));
        Files.createSymbolicLink(links.resolve("b"), Path.of("/dev/ublkb2"));
        Files.createSymbolicLink(links.resolve(".b.tmp"), Path.of("/dev/ublkb2"));
        Links l = new Links(links, dir.resolve("names"), log::add);
        l.clearStale();
        try (var s = Files.list(links)) {
            assertEquals(List.of(links.resolve("b")), s.toList(), "the temporary links go, the links stay");
        }
        Files.createSymbolicLink(links.resolve(".b.tmp"), Path.of("/dev/ublkb2"));
        l.unlink("b");
        try (var s = Files.list(links)) {
            assertEquals(List.of(), s.toList());
        }
        assertEquals(List.of(), log);
    }

    @Test
    void udevsRelativeLinkToTheSameDiskIsLeftAlone() throws Exception {
        Path links = dir.resolve("ublksnap");
        Links l = new Links(links, null, log::add);
        Files.createDirectories(links);
        Path link = links.resolve("data");
        Files.createSymbolicLink(link, Path.of("../ublkb2"));
        l.link("data", dir.resolve("ublkb2").toString());
        assertEquals(Path.of("../ublkb2"), Files.readSymbolicLink(link), "udev's link is right: not replaced");
        l.link("data", dir.resolve("ublkb5").toString());
        assertEquals(dir.resolve("ublkb5"), Files.readSymbolicLink(link), "a link to another disk is corrected");
        assertEquals(List.of(), log);
    }

    @Test
    void aLinkIsMadeAgainAndReplacedLeavingNoTemporaryLink() throws Exception {
        Path links = dir.resolve("ublksnap");
        Links l = new Links(links, null, log::add);
        l.link("a b", "/dev/ublkb3");
        Path link = links.resolve("a b");
        assertEquals(Path.of("/dev/ublkb3"), Files.readSymbolicLink(link));
        l.link("a b", "/dev/ublkb3");
        assertEquals(Path.of("/dev/ublkb3"), Files.readSymbolicLink(link));
        l.link("a b", "/dev/ublkb4");
        assertEquals(Path.of("/dev/ublkb4"), Files.readSymbolicLink(link));
        try (var s = Files.list(links)) {
            assertEquals(List.of(link), s.toList(), "no temporary link is left behind");
        }
        l.unlink("a b");
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(), log);
    }
}
