package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.DeviceInfo.Usage;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol's records both ways, the JSON users script against, and dm's text from one formatter. */
class WireTest {
    static final MergeInfo MERGE = new MergeInfo("s1", MergeState.MERGING, 3, 10, 8, 1234.5, 7, null, "/c/s1.cow",
            StoreType.PERSISTENT, 16384);
    static final OriginInfo ORIGIN = new OriginInfo("base", "/dev/ublkb0", true, null, "/d/base.img", 65536, List.of("s1", "s2"),
            null, 2, false, false);
    static final SnapshotInfo SNAP = new SnapshotInfo("s2", "/dev/ublkb2", true, null, "base", "/d/base.img", "/c/s2.cow",
            StoreType.PERSISTENT_OVERFLOW, 16, 65536, SnapshotState.ACTIVE, true, false, 5, 1, new Usage(112, 32768, 32), null);
    static final SnapshotInfo DOWN = new SnapshotInfo("s3", null, false, "no such file or device: /c/s3.cow", "base",
            "/d/base.img", "/c/s3.cow", StoreType.PERSISTENT, 8, 0, SnapshotState.INACTIVE, false, false, 0, 0, null, null);

    static final SnapshotInfo FEATURED = new SnapshotInfo("s4", "/dev/ublkb4", true, null, "base", "/d/base.img", "/c/s4.cow",
            StoreType.PERSISTENT, 8, 65536, SnapshotState.ACTIVE, true, false, 0, 0, new Usage(16, 32768, 16), null,
            EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW, SnapshotFeature.DISCARD_PASSDOWN_ORIGIN), new Autoextend(70, 20));

    @SuppressWarnings("unchecked")
    static <R> R roundTrip(Request<R> r, Object result) {
        String line = Wire.ok(result);
        return Wire.reply(r, line);
    }

    @Test
    void devicesRoundTrip() {
        OriginInfo merging = new OriginInfo("base", "/dev/ublkb0", true, null, "/d/base.img", 65536, List.of("s1"), MERGE, 2, true, true);
        for (DeviceInfo d : List.of(ORIGIN, SNAP, DOWN, merging, FEATURED)) {
            assertEquals(d, roundTrip(new Request.Status(d.name()), d));
        }
        assertEquals(List.of(ORIGIN, SNAP), roundTrip(new Request.StatusAll(), List.of(ORIGIN, SNAP)));
        FeaturesInfo f = new FeaturesInfo(0x42, List.of("ZERO_COPY"), "IOCTL");
        assertEquals(f, roundTrip(new Request.Features(), f));
    }

    @Test
    void statsRoundTrip() {
        List<DeviceStats> stats = List.of(
                new DeviceStats("base", DeviceInfo.Role.ORIGIN, "/dev/ublkb0", List.of(
                        new DeviceStats.RequestCount("copying-write", 3, 4_500_000, 18, 0),
                        new DeviceStats.RequestCount("other", 1, 1_000, 0, 1))),
                new DeviceStats("s", DeviceInfo.Role.SNAPSHOT, null, List.of()));
        assertEquals(stats, roundTrip(new Request.Stats(null), stats));
        assertEquals("{\"name\":\"base\",\"role\":\"origin\",\"device\":\"/dev/ublkb0\",\"requests\":[{\"kind\":\"copying-write\","
                + "\"requests\":3,\"service_ns\":4500000,\"kernel_entries\":18,\"failed\":0},{\"kind\":\"other\",\"requests\":1,"
                + "\"service_ns\":1000,\"kernel_entries\":0,\"failed\":1}]}", Wire.write(Wire.json(stats.getFirst())));
        assertEquals(1500.0, stats.getFirst().requests().getFirst().meanMicros());
        assertEquals(6.0, stats.getFirst().requests().getFirst().entriesPerRequest());
    }

    @Test
    void requestsRoundTrip() {
        List<Request<?>> all = List.of(new Request.Ping(), new Request.Features(), new Request.Stop(), new Request.StatusAll(),
                new Request.Status("x"), new Request.CreateOrigin("o", "/a b/#c.img", 1 << 20),
                new Request.CreateSnapshot("s", "o", "/c.cow", StoreType.TRANSIENT, 16, 0, false), new Request.CreateSnapshot("i", "o", "/c2.cow", StoreType.PERSISTENT, 8, 1 << 20, true), new Request.Load("n", "snapshot-origin /x"),
                new Request.Reload("n", "snapshot /x /y P 8"), new Request.Merge("m"), new Request.Remove("r", false), new Request.CreateOrigin("ro", "/ro.img", 0, true), new Request.CreateOrigin("id", "/id.img", 0, false, 1048575),
                new Request.CreateSnapshot("rs", "o", "/rs.cow", StoreType.PERSISTENT, 8, 0, false, Set.of(), null, true), new Request.Remove("f", true),
                new Request.Activate(null), new Request.Activate("a"), new Request.Stats(null), new Request.Stats("s"),
                new Request.CreateSnapshot("f", "o", "/f.cow", StoreType.PERSISTENT, 8, 0, false,
                        EnumSet.of(SnapshotFeature.DISCARD_ZEROES_COW), new Autoextend(70, 20)),
                new Request.Extend("e", 1L << 30, true, null), new Request.Extend("e", 4L << 30, false, new Autoextend(80, 10)),
                new Request.Extend("e", 0, false, null), new Request.Extend("e", 0, false, Autoextend.OFF));
        for (Request<?> r : all) {
            assertEquals(r, Wire.request(Wire.request(r)));
        }
    }

    /** The keys and values of status --json that users script against: added to, never renamed. */
    @Test
    void theJsonKeepsItsShape() {
        assertEquals("{\"name\":\"base\",\"role\":\"origin\",\"active\":true,\"device\":\"/dev/ublkb0\",\"backing\":\"/d/base.img\","
                + "\"sectors\":65536,\"target\":\"snapshot-origin\",\"table\":\"0 65536 snapshot-origin /d/base.img\",\"status\":\"\","
                + "\"snapshots\":[\"s1\",\"s2\"],\"queues\":2,\"zero_copy\":false,\"batch_io\":false}", Wire.write(Wire.json(ORIGIN)));
        assertEquals("{\"name\":\"s2\",\"role\":\"snapshot\",\"active\":true,\"device\":\"/dev/ublkb2\",\"origin\":\"base\","
                + "\"origin_backing\":\"/d/base.img\",\"cow\":\"/c/s2.cow\",\"store\":\"PO\",\"chunk_sectors\":16,\"sectors\":65536,"
                + "\"table\":\"0 65536 snapshot /d/base.img /c/s2.cow PO 16\",\"state\":\"active\",\"status\":\"112/32768 32\","
                + "\"valid\":true,\"overflow\":false,\"exceptions\":5,\"pending\":1,\"allocated_sectors\":112,\"total_sectors\":32768,"
                + "\"metadata_sectors\":32,\"used_percent\":0.342,\"features\":[]}", Wire.write(Wire.json(SNAP)));
        assertEquals("{\"name\":\"s4\",\"role\":\"snapshot\",\"active\":true,\"device\":\"/dev/ublkb4\",\"origin\":\"base\","
                + "\"origin_backing\":\"/d/base.img\",\"cow\":\"/c/s4.cow\",\"store\":\"P\",\"chunk_sectors\":8,\"sectors\":65536,"
                + "\"table\":\"0 65536 snapshot /d/base.img /c/s4.cow P 8 2 discard_zeroes_cow discard_passdown_origin\","
                + "\"state\":\"active\",\"status\":\"16/32768 16\",\"valid\":true,\"overflow\":false,\"exceptions\":0,\"pending\":0,"
                + "\"allocated_sectors\":16,\"total_sectors\":32768,\"metadata_sectors\":16,\"used_percent\":0.049,"
                + "\"features\":[\"discard_zeroes_cow\",\"discard_passdown_origin\"],\"autoextend\":{\"threshold\":70,\"percent\":20}}",
                Wire.write(Wire.json(FEATURED)));
        @SuppressWarnings("unchecked")
        Map<String, Object> down = (Map<String, Object>) Wire.json(DOWN);
        assertEquals(false, down.get("active"));
        assertEquals("no such file or device: /c/s3.cow", down.get("reason"));
        assertEquals("inactive", down.get("state"));
    }

    @Test
    void badFeaturesAndAutoextendInARequestAreRefusedInOneLine() {
        for (String bad : List.of(
                "{\"op\":\"snapshot\",\"name\":\"s\",\"origin\":\"o\",\"cow\":\"/c\",\"features\":[\"discard_passdown_origin\"]}",
                "{\"op\":\"snapshot\",\"name\":\"s\",\"origin\":\"o\",\"cow\":\"/c\",\"features\":[\"trim\"]}",
                "{\"op\":\"extend\",\"name\":\"s\",\"autoextend\":{\"threshold\":30,\"percent\":20}}",
                "{\"op\":\"extend\",\"name\":\"s\",\"autoextend\":{\"threshold\":70,\"percent\":-1}}",
                "{\"op\":\"extend\",\"name\":\"s\",\"autoextend\":{\"threshold\":70,\"percent\":20,\"x\":1}}",
                "{\"op\":\"extend\",\"name\":\"s\",\"size\":-5}")) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> Wire.request(bad), bad);
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void dmTextIsTheKernels() {
        assertEquals("s4: 0 65536 snapshot /d/base.img /c/s4.cow P 8 2 discard_zeroes_cow discard_passdown_origin",
                DmText.tableLine(FEATURED));
        assertEquals("base: 0 65536 snapshot-origin", DmText.statusLine(ORIGIN));
        assertEquals("s2: 0 65536 snapshot 112/32768 32", DmText.statusLine(SNAP));
        assertEquals("s2: 0 65536 snapshot /d/base.img /c/s2.cow PO 16", DmText.tableLine(SNAP));
        OriginInfo merging = new OriginInfo("base", "/dev/ublkb0", true, null, "/d/base.img", 65536, List.of("s1"), MERGE, 2, true, true);
        assertEquals("base: 0 65536 snapshot-merge /d/base.img /c/s1.cow P 8", DmText.tableLine(merging));
        assertEquals("base: 0 65536 snapshot-merge 72/16384 16", DmText.statusLine(merging));
        assertEquals("s3: not active: no such file or device: /c/s3.cow", DmText.statusLine(DOWN));
        SnapshotInfo invalid = new SnapshotInfo("s", "/dev/ublkb4", true, null, "base", "/b", "/c", StoreType.PERSISTENT, 8, 8,
                SnapshotState.INVALID, false, false, 0, 0, null, null);
        assertEquals("Invalid", DmText.info(invalid));
    }

    @Test
    void anErrorAnswerBecomesTheErrorAndABadAnswerIsNamed() {
        SnapshotException e = assertThrows(SnapshotException.class, () -> Wire.reply(new Request.Ping(), Wire.error("no such thing")));
        assertEquals("no such thing", e.getMessage());
        SnapshotException bad = assertThrows(SnapshotException.class, () -> Wire.reply(new Request.Status("x"), "{\"ok\":true,\"result\":7}"));
        assertTrue(bad.getMessage().startsWith("ublkd sent"), bad.getMessage());
    }

    @Test
    void sizesAreBytesAndChunksAreSectors() {
        assertEquals(4096, Sizes.parse("x", "4096"));
        assertEquals(64L << 20, Sizes.parse("x", "64m"));
        assertEquals(2L << 40, Sizes.parse("x", "2T"));
        assertEquals(1L << 30, Sizes.parse("x", "1GiB"));
        assertThrows(SnapshotException.class, () -> Sizes.parse("x", "8796093022209g"));
        assertThrows(SnapshotException.class, () -> Sizes.parse("x", "99999999999999999999"));
        assertThrows(SnapshotException.class, () -> Sizes.parse("x", "1.5g"));
        assertThrows(SnapshotException.class, () -> Sizes.parse("x", "-1"));
        assertThrows(SnapshotException.class, () -> Sizes.parse("x", "36028797018963976", 4096, "4 KiB"));
        assertEquals(16, Sizes.chunkSectors("16"));
        assertEquals(16, Sizes.chunkSectors("8k"));
        assertEquals(16, Sizes.chunkSectors("16s"));
        assertThrows(SnapshotException.class, () -> Sizes.chunkSectors("18014398509481988k")); // wraps to 8 sectors in a long
        assertThrows(SnapshotException.class, () -> Sizes.chunkSectors("1000b"));
    }
}
