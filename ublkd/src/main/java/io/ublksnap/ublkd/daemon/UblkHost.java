package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Target;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ffi.DevInfo;
import io.ublksnap.ublkd.control.FeaturesInfo;
import io.ublksnap.ublkd.device.LeftBehind;
import io.ublksnap.ublkd.device.UblkDevice;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Devices served as ublk block devices (/dev/ublkbN) through the kernel's ublk driver. */
public final class UblkHost implements DeviceHost {
    private final UblkControl control;
    private final long kernelFeatures;
    private final UblkDevice.Options options;
    private final LeftBehind leftBehind;
    private final long marker;

    /**
     * @param marker     what the devices keep in ublksrv_flags ({@link UblkDevice#marker}: this daemon's)
     * @param leftBehind the devices an earlier ublkd with the same marker left, which the configured devices with their ids take over
     */
    public UblkHost(UblkControl control, UblkDevice.Options options, long marker, LeftBehind leftBehind) {
        this.control = control;
        this.marker = marker;
        this.kernelFeatures = control.getFeatures().orElse(-1);
        this.options = options;
        this.leftBehind = leftBehind;
    }

    public long kernelFeatures() {
        return kernelFeatures;
    }

    @Override
    public Served serve(String name, Target target, Geometry g, int id, boolean required, Consumer<String> beforeStart)
            throws IOException {
        return served(UblkDevice.create(control, kernelFeatures, marker, name, target, id, required, geometry(g), options, beforeStart));
    }

    @Override
    public boolean leftBehind(int id) {
        return leftBehind.has(id);
    }

    @Override
    public Served takeOver(String name, Target target, Geometry g, int id, Consumer<String> beforeStart) throws IOException {
        DevInfo left = leftBehind.take(id);
        if (left == null) {
            throw new IllegalStateException("no device " + id + " left behind");
        }
        try {
            return served(UblkDevice.recover(control, left, name, target, geometry(g), options, beforeStart));
        } catch (IOException | RuntimeException e) {
            leftBehind.putBack(left);
            throw e;
        }
    }

    @Override
    public void settleLeftBehind(Set<Integer> configured) {
        leftBehind.settle(configured, DeviceUsers::of);
    }

    private static UblkDevice.Geometry geometry(Geometry g) {
        return new UblkDevice.Geometry(g.sectors(), g.logicalBlockSize(), g.physicalBlockSize(), g.discardSectors(), g.readOnly());
    }

    private static Served served(UblkDevice d) {
        return new Served() {
            @Override
            public String blockPath() {
                return d.blockPath();
            }

            @Override
            public int devId() {
                return d.devId();
            }

            @Override
            public void retarget(Target next) {
                d.target(next);
            }

            @Override
            public void stop() throws IOException {
                d.stop();
            }

            @Override
            public void delete() throws IOException {
                d.delete();
            }

            @Override
            public void leave() throws IOException {
                d.leave();
            }

            @Override
            public String users() {
                return DeviceUsers.of(d.blockPath());
            }

            @Override
            public int queueCount() {
                return d.queueCount();
            }

            @Override
            public boolean zeroCopy() {
                return d.zeroCopy();
            }

            @Override
            public boolean batchIo() {
                return d.batchIo();
            }

            @Override
            public String toString() {
                return d.toString();
            }
        };
    }

    @Override
    public FeaturesInfo features() {
        return features(control, kernelFeatures);
    }

    /** What the kernel behind {@code control} offers ({@code mask} -1: it has no GET_FEATURES). */
    public static FeaturesInfo features(UblkControl control, long mask) {
        return new FeaturesInfo(mask, mask < 0 ? List.of() : UblkFeatures.names(mask), control.encoding().name());
    }
}
