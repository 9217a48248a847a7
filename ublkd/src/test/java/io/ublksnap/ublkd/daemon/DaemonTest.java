package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Origin;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.DeviceInfo;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.Request;
import io.ublksnap.ublkd.control.SnapshotState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's control plane on the host: the real engine and files, devices that are only names.
 * Restarts, inactive entries and activation, hung engine steps, merges that answer after the switch.
 */
class DaemonTest {
    @TempDir
    Path dir;

    final FakeHost host = new FakeHost();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<Daemon> daemons = new ArrayList<>();
    SlowEngine engine;

    Daemon daemon(Daemon.Options options) throws Exception {
        engine = new SlowEngine(new EngineLifecycle(Origin.Options.DEFAULT));
        Daemon d = new Daemon(host, engine, Backings.SYSTEM, dir.resolve("devices.conf"), null, null, log::add, options);
        daemons.add(d);
        return d;
    }

    Daemon daemon() throws Exception {
        return daemon(Daemon.Options.DEFAULT);
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

    static <R> R ask(Daemon d, Request<R> r) throws Exception {
        @SuppressWarnings("unchecked")
        R result = (R) d.handle(r);
        return result;
    }

    static SnapshotException refused(Daemon d, Request<?> r) {
        return assertThrows(SnapshotException.class, () -> d.handle(r));
    }

    @Test
    void restoreKeepsWhatCannotComeBackAndActivateBringsItUpLater() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        Path s1 = sparse("s1.cow", 8 << 20);
        Path late = dir.resolve("not-mounted-yet/late.img");
        Path s2 = dir.resolve("not-mounted-yet/s2.cow");
        String conf = "origin base " + base + "\n"
                + "snapshot s1 base " + s1 + " P 8\n"
                + "origin late " + late + "\n"
                + "snapshot s2 late " + s2 + " P 16\n";
        Files.writeString(dir.resolve("devices.conf"), conf);

        Daemon d = daemon();
        d.restore();
        assertTrue(d.describe("base").active() && d.describe("s1").active());
        DeviceInfo l = d.describe("late");
        assertFalse(l.active());
        assertTrue(l.reason().contains("no such file"), l.reason());
        assertFalse(d.describe("s2").active());
        assertTrue(d.describe("s2").reason().contains("origin late is not active"), d.describe("s2").reason());
        assertEquals(SnapshotState.INACTIVE, ((SnapshotInfo) d.describe("s2")).state());
        String saved = Files.readString(dir.resolve("devices.conf"));
        assertTrue(saved.contains("origin late " + late + "\n") && saved.contains("snapshot s2 late " + s2 + " P 16\n"),
                "the entries that did not come back were dropped or changed:\n" + saved);

        sparse("not-mounted-yet/late.img", 16 << 20);
        sparse("not-mounted-yet/s2.cow", 8 << 20);
        List<DeviceInfo> up = ask(d, new Request.Activate("s2"));
        assertEquals(List.of("late", "s2"), up.stream().map(DeviceInfo::name).toList());
        assertTrue(up.stream().allMatch(DeviceInfo::active), up.toString());
        String dev = d.describe("late").device();
        List<DeviceInfo> again = ask(d, new Request.Activate(null));
        assertTrue(again.stream().allMatch(DeviceInfo::active));
        assertEquals(dev, d.describe("late").device(), "activating twice made the device again");
        assertEquals(4, host.live.size());
    }

    @Test
    void anOriginWaitsForItsSnapshotsSoNoWriteGoesUnseen() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        Path gone = dir.resolve("gone.cow");
        Files.writeString(dir.resolve("devices.conf"), "origin base " + base + "\nsnapshot s1 base " + gone + " P 8\n");
        Daemon d = daemon();
        d.restore();
        DeviceInfo o = d.describe("base");
        assertFalse(o.active());
        assertTrue(o.reason().contains("waiting for snapshot s1"), o.reason());
        assertFalse(host.live.containsKey("base"), "the origin's device started while a snapshot of it is missing");
        ask(d, new Request.Remove("s1", false)); // go on without it: only the entry goes
        assertFalse(Files.readString(dir.resolve("devices.conf")).contains("s1"));
        ask(d, new Request.Activate("base"));
        assertTrue(d.describe("base").active());
    }

    @Test
    void aMergeThatCannotResumeKeepsItsLineAndHoldsTheOriginBack() throws Exception {
        Path base = sparse("base.img", 16 << 20);
        String line = "merge m1 base " + dir.resolve("gone.cow") + " P 8\n";
        Files.writeString(dir.resolve("devices.conf"), "origin base " + base + "\n" + line);
        Daemon d = daemon();
        d.restore();
        assertFalse(d.describe("base").active());
        assertTrue(d.describe("m1").reason().contains("merge cannot resume"), d.describe("m1").reason());
        SnapshotException e = refused(d, new Request.Remove("m1", false));
        assertTrue(e.getMessage().contains("merging"), e.getMessage());
        assertTrue(Files.readString(dir.resolve("devices.conf")).contains(line));
    }

    @Test
    void statusStopAndOtherOriginsGoOnWhileAnEngineStepNeverCompletes() throws Exception {
        Daemon d = daemon(new Daemon.Options(Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300)));
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        ask(d, new Request.CreateSnapshot("s1", "base", sparse("s1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        engine.removeGate = new CompletableFuture<>(); // the engine never finishes removing
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SnapshotException e = refused(d, new Request.Remove("s1", false));
            assertTrue(e.getMessage().contains("goes on in the background"), e.getMessage());
            List<DeviceInfo> all = ask(d, new Request.StatusAll());
            assertEquals(2, all.size());
            SnapshotException busy = refused(d, new Request.CreateSnapshot("s2", "base", sparse("s2.cow", 8 << 20).toString(),
                    StoreType.PERSISTENT, 8, 0, false));
            assertTrue(busy.getMessage().contains("remove s1"), busy.getMessage());
            assertNotNull(ask(d, new Request.CreateOrigin("other", sparse("other.img", 16 << 20).toString(), 0)));
            d.close();
        });
        assertTrue(log.stream().anyMatch(m -> m.contains("remove s1") && m.contains("stopping without it")), log.toString());
    }

    @Test
    void mergeAnswersOnlyOnceTheOriginHasSwitched() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        ask(d, new Request.CreateSnapshot("s1", "base", sparse("s1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        CompletableFuture<Void> gate = new CompletableFuture<>();
        engine.mergeSwitchGate = gate;
        CompletableFuture<Object> merge = CompletableFuture.supplyAsync(() -> {
            try {
                return d.handle(new Request.Merge("s1"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(merge.isDone(), "merge answered before the switch");
        assertEquals(2, ((List<?>) ask(d, new Request.StatusAll())).size(), "status waited for the merge");
        assertTrue(Files.readString(dir.resolve("devices.conf")).contains("merge s1 base"),
                "the merge was not in the configuration before the switch");
        gate.complete(null);
        SnapshotInfo s = (SnapshotInfo) merge.get();
        assertEquals(SnapshotState.MERGING, s.state(), "the merge's answer is not a merging snapshot");
    }

    @Test
    void devicesWithUnusualPathsComeBackAfterARestart() throws Exception {
        Path img = dir.resolve("my images/img#1 \"x\".img");
        Daemon d = daemon();
        DeviceInfo o = ask(d, new Request.CreateOrigin("base", img.toString(), 16 << 20));
        assertTrue(Files.size(img) == 16 << 20 && o.active());
        ask(d, new Request.CreateSnapshot("s1", "base", dir.resolve("cows/s 1#.cow").toString(), StoreType.PERSISTENT_OVERFLOW, 16, 8 << 20, false));
        d.close();
        Daemon again = daemon();
        again.restore();
        assertTrue(again.describe("base").active() && again.describe("s1").active(), log.toString());
        assertEquals(img.toRealPath().toString(), ((OriginInfo) again.describe("base")).backing());
        assertEquals(StoreType.PERSISTENT_OVERFLOW, ((SnapshotInfo) again.describe("s1")).store());
    }

    @Test
    void refusedRequestsCreateNothing() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        Path cow = dir.resolve("new/dir/s.cow");
        refused(d, new Request.CreateSnapshot("s1", "nosuch", cow.toString(), StoreType.PERSISTENT, 8, 8 << 20, false));
        refused(d, new Request.CreateSnapshot("bad/name", "base", cow.toString(), StoreType.PERSISTENT, 8, 8 << 20, false));
        refused(d, new Request.CreateOrigin("base", dir.resolve("new/o.img").toString(), 16 << 20));
        refused(d, new Request.CreateOrigin("o2", "relative/o.img", 16 << 20));
        refused(d, new Request.CreateSnapshot("s2", "base", dir.resolve("new/tiny.cow").toString(), StoreType.PERSISTENT, 8, 4096, false));
        assertFalse(Files.exists(dir.resolve("new")), "a refused request left files behind");
    }

    /** Found by CliVmTest in CI: the entry saved before activation held the request's chunk 0 ("the COW's own"). */
    @Test
    void theSavedEntryIsTheSnapshotAsItCameUpAndReadsBack() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        Path cow = sparse("s.cow", 8 << 20);
        ask(d, new Request.CreateSnapshot("s1", "base", cow.toString(), StoreType.PERSISTENT, 0, 0, false));
        int chunk = ((SnapshotInfo) d.describe("s1")).chunkSectors();
        String saved = Files.readString(dir.resolve("devices.conf"));
        assertTrue(saved.contains("snapshot s1 base " + cow.toRealPath() + " P " + chunk + " id=1\n"), saved);
        ask(d, new Request.CreateSnapshot("s2", "base", sparse("s2.cow", 8 << 20).toString(), StoreType.PERSISTENT, 16, 0, false));
        ask(d, new Request.Remove("s2", false));
        assertEquals(saved, Files.readString(dir.resolve("devices.conf")), "adding and removing another snapshot changed s1's entry");
        ConfigFile.read(dir.resolve("devices.conf"));
    }

    /** Issue 13.4: a device in use is not removed unless forced, and a refused remove changes nothing. */
    @Test
    void removeOfADeviceInUseIsRefusedUnlessForced() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        ask(d, new Request.CreateSnapshot("s1", "base", sparse("s1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        String conf = Files.readString(dir.resolve("devices.conf"));
        host.live.get("s1").users = "mounted on /mnt/my snap";
        SnapshotException e = refused(d, new Request.Remove("s1", false));
        assertTrue(e.getMessage().contains("is busy: mounted on /mnt/my snap") && e.getMessage().contains("--force"), e.getMessage());
        assertTrue(d.describe("s1").active());
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")));
        ask(d, new Request.Remove("s1", true));
        assertFalse(host.live.containsKey("s1"));
        assertTrue(log.stream().anyMatch(l -> l.contains("although it is in use (mounted on /mnt/my snap)")), log.toString());
        host.live.get("base").users = "open by pid 12 (fio)";
        assertTrue(refused(d, new Request.Remove("base", false)).getMessage().contains("open by pid 12 (fio)"));
        host.live.get("base").users = null;
        ask(d, new Request.Remove("base", false));
        assertTrue(host.live.isEmpty());
    }

    /** Issue 12.6: read-only devices (lvcreate -p r), kept across a restart. */
    @Test
    void readOnlyDevicesAreServedReadOnlyAndComeBackSo() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0, true));
        ask(d, new Request.CreateSnapshot("ro", "base", sparse("ro.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false,
                java.util.Set.of(), null, true));
        ask(d, new Request.CreateSnapshot("rw", "base", sparse("rw.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        assertTrue(host.live.get("base").geometry.readOnly() && host.live.get("ro").geometry.readOnly());
        assertFalse(host.live.get("rw").geometry.readOnly());
        String conf = Files.readString(dir.resolve("devices.conf"));
        assertTrue(conf.contains("base.img read_only id=0\n") && conf.contains(" P 8 read_only id=1\n") && conf.contains("rw.cow P 8 id=2\n"), conf);
        d.close();
        host.live.clear();
        Daemon again = daemon();
        again.restore();
        assertTrue(host.live.get("base").geometry.readOnly() && host.live.get("ro").geometry.readOnly(), log.toString());
        assertFalse(host.live.get("rw").geometry.readOnly());
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")));
    }

    /** Issue 13.4: a chosen device id (--id, as 'ublk add -n'), refused when taken; every device asks for its id again at the next start. */
    @Test
    void devicesKeepTheirIdsAcrossARestartAndAChosenIdIsRequired() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0, false, 7));
        ask(d, new Request.CreateSnapshot("s1", "base", sparse("s1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        assertEquals(7, host.live.get("base").id);
        int s1 = host.live.get("s1").id;
        String conf = Files.readString(dir.resolve("devices.conf"));
        SnapshotException e = refused(d, new Request.CreateSnapshot("s2", "base", sparse("s2.cow", 8 << 20).toString(),
                StoreType.PERSISTENT, 8, 0, false, java.util.Set.of(), null, false, 7));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")), "a refused id changed the configuration");
        d.close();
        host.live.clear();
        host.next.set(100);
        Daemon again = daemon();
        again.restore();
        assertEquals(7, host.live.get("base").id);
        assertEquals(s1, host.live.get("s1").id, "the snapshot came back under another number");
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")));
    }

    /**
     * Issue 13: a daemon that died (SIGKILL, a crash) left its devices behind, quiesced. The next one
     * takes each configured device's over under its id (snapshots before their origin, so that no
     * re-sent origin write goes unseen by a snapshot), brings a transient snapshot back lost (its
     * device stays and fails every request; status Invalid), and tells the host which ids the
     * configuration claims so that the rest can go.
     */
    @Test
    void aStartAfterACrashTakesOverWhatWasLeftBehindAndATransientSnapshotComesBackLost() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0, false, 3));
        ask(d, new Request.CreateSnapshot("p1", "base", sparse("p1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        ask(d, new Request.CreateSnapshot("n1", "base", sparse("n1.cow", 8 << 20).toString(), StoreType.TRANSIENT, 8, 0, false));
        int p1 = host.live.get("p1").id;
        int n1 = host.live.get("n1").id;
        long sectors = host.live.get("base").geometry.sectors();
        String conf = Files.readString(dir.resolve("devices.conf"));
        d.close(); // stands for the dead daemon's end: what it served is left behind
        host.live.clear();
        host.left.put(3, sectors);
        host.left.put(p1, sectors);
        host.left.put(n1, sectors);
        host.left.put(50, sectors); // left by a daemon whose configuration had it, claimed by none here
        Files.writeString(dir.resolve("devices.conf"), conf);

        Daemon again = daemon();
        again.restore();
        assertEquals(3, host.takenOver.size(), "taken over: " + host.takenOver);
        assertEquals(3, host.takenOver.get(2), "the origin must be taken over last, after its snapshots: " + host.takenOver);
        assertTrue(host.takenOver.containsAll(List.of(p1, n1)), "taken over: " + host.takenOver);
        assertEquals(java.util.Set.of(3, p1, n1), host.settledWith);
        assertFalse(host.left.containsKey(50), "an unclaimed device was kept");
        SnapshotInfo lost = (SnapshotInfo) ask(again, new Request.Status("n1"));
        assertFalse(lost.valid(), "a transient snapshot after a crash must say Invalid: " + lost);
        assertEquals(n1, host.live.get("n1").id);
        assertTrue(((SnapshotInfo) ask(again, new Request.Status("p1"))).valid());
        assertTrue(Files.readString(dir.resolve("devices.conf")).contains("n1"), "the lost snapshot's entry stays until it is removed");
        ask(again, new Request.Remove("n1", false));
        assertFalse(Files.readString(dir.resolve("devices.conf")).contains("n1"));
    }

    /** Without a device left behind, a transient snapshot of the configuration is gone after a restart, as before. */
    @Test
    void aTransientSnapshotWithNothingLeftBehindDoesNotComeBack() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        ask(d, new Request.CreateSnapshot("n1", "base", sparse("n1.cow", 8 << 20).toString(), StoreType.TRANSIENT, 8, 0, false));
        d.close();
        host.live.clear();
        Daemon again = daemon();
        again.restore();
        assertFalse(host.live.containsKey("n1"));
        assertTrue(host.takenOver.isEmpty());
    }

    /**
     * Issue 13.3: a planned restart leaves the devices to the next daemon (nothing deleted, the
     * configuration as it was) and the next one takes each over under its id.
     */
    @Test
    void aHandOverLeavesTheDevicesAndTheNextDaemonTakesThemOver() throws Exception {
        Daemon d = daemon();
        ask(d, new Request.CreateOrigin("base", sparse("base.img", 16 << 20).toString(), 0));
        ask(d, new Request.CreateSnapshot("p1", "base", sparse("p1.cow", 8 << 20).toString(), StoreType.PERSISTENT, 8, 0, false));
        int base = host.live.get("base").id;
        int p1 = host.live.get("p1").id;
        String conf = Files.readString(dir.resolve("devices.conf"));
        d.handOver();
        assertEquals(java.util.Set.of(base, p1), host.left.keySet(), "handed over: " + host.left);
        assertEquals(conf, Files.readString(dir.resolve("devices.conf")));
        Daemon again = daemon();
        again.restore();
        assertEquals(List.of(p1, base), host.takenOver);
        assertTrue(host.left.isEmpty());
    }

    /**
     * Issue 13: systemd runs ExecStop= also after the unit's daemon died, and a daemon started by hand
     * meanwhile answered that stop and deleted every device. A stop names the process it is for.
     */
    @Test
    void aStopForAnotherProcessIsRefused() throws Exception {
        Daemon d = daemon();
        SnapshotException e = refused(d, new Request.Stop(false, ProcessHandle.current().pid() + 1));
        assertTrue(e.getMessage().contains("not stopped"), e.getMessage());
        assertEquals("stopping", ask(d, new Request.Stop(true, ProcessHandle.current().pid())));
        assertEquals("stopping", ask(d, new Request.Stop()));
    }
}
