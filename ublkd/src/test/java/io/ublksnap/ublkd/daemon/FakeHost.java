package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Target;
import io.ublksnap.ublkd.control.FeaturesInfo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Devices that are only names: the control plane runs on the host without a ublk kernel. */
final class FakeHost implements DeviceHost {
    final AtomicInteger next = new AtomicInteger();
    final Map<String, Dev> live = new ConcurrentHashMap<>();
    /** Devices a "dead" daemon left behind, by id, with their size: set by a test. */
    final Map<Integer, Long> left = new ConcurrentHashMap<>();
    /** The ids taken over, in order. */
    final java.util.List<Integer> takenOver = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What {@link #settleLeftBehind} was told the configuration claims. */
    volatile java.util.Set<Integer> settledWith;

    final class Dev implements Served {
        final String name;
        final int id;
        final String path;
        volatile Target target;
        volatile boolean stopped;
        volatile Geometry geometry;
        /** What {@link #users()} answers: set by a test to make the device busy. */
        volatile String users;

        Dev(String name, Target target, int id) {
            this.id = id;
            this.path = "/dev/fake" + id;
            this.name = name;
            this.target = target;
        }

        @Override
        public String blockPath() {
            return path;
        }

        @Override
        public int devId() {
            return id;
        }

        @Override
        public void retarget(Target t) {
            target = t;
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public void delete() {
            stopped = true;
            live.remove(name, this);
        }

        @Override
        public void leave() {
            stopped = true;
            live.remove(name, this);
            left.put(id, geometry.sectors());
        }

        @Override
        public String users() {
            return users;
        }

        @Override
        public int queueCount() {
            return 1;
        }

        @Override
        public boolean zeroCopy() {
            return false;
        }

        @Override
        public boolean batchIo() {
            return false;
        }
    }

    @Override
    public Served serve(String name, Target target, Geometry geometry, int wanted, boolean required, Consumer<String> beforeStart) {
        boolean taken = wanted >= 0 && live.values().stream().anyMatch(x -> x.id == wanted);
        if (taken && required) {
            throw new io.ublksnap.engine.SnapshotException("ublk device id " + wanted + " is in use");
        }
        int id = wanted >= 0 && !taken ? wanted : nextFree();
        Dev d = new Dev(name, target, id);
        d.geometry = geometry;
        beforeStart.accept(d.path);
        live.put(name, d);
        return d;
    }

    @Override
    public boolean leftBehind(int id) {
        return left.containsKey(id);
    }

    @Override
    public Served takeOver(String name, Target target, Geometry geometry, int id, Consumer<String> beforeStart) {
        Long sectors = left.remove(id);
        if (sectors != geometry.sectors()) {
            left.put(id, sectors);
            throw new io.ublksnap.engine.SnapshotException("cannot take over " + id + ": size " + sectors + ", now " + geometry.sectors());
        }
        Dev d = new Dev(name, target, id);
        d.geometry = geometry;
        beforeStart.accept(d.path);
        live.put(name, d);
        takenOver.add(id);
        return d;
    }

    @Override
    public void settleLeftBehind(java.util.Set<Integer> configured) {
        settledWith = configured;
        left.keySet().retainAll(configured);
    }

    private int nextFree() {
        while (true) {
            int id = next.getAndIncrement();
            if (live.values().stream().noneMatch(x -> x.id == id)) {
                return id;
            }
        }
    }

    @Override
    public FeaturesInfo features() {
        return new FeaturesInfo(0, List.of(), "IOCTL");
    }
}
