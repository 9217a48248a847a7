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

    final class Dev implements Served {
        final String name;
        final String path = "/dev/fake" + next.getAndIncrement();
        volatile Target target;
        volatile boolean stopped;
        /** What {@link #users()} answers: set by a test to make the device busy. */
        volatile String users;

        Dev(String name, Target target) {
            this.name = name;
            this.target = target;
        }

        @Override
        public String blockPath() {
            return path;
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
    }

    @Override
    public Served serve(String name, Target target, Geometry geometry, Consumer<String> beforeStart) {
        Dev d = new Dev(name, target);
        beforeStart.accept(d.path);
        live.put(name, d);
        return d;
    }

    @Override
    public FeaturesInfo features() {
        return new FeaturesInfo(0, List.of(), "IOCTL");
    }
}
