package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Target;
import io.ublksnap.ffi.UblkControl;
import io.ublksnap.ffi.UblkFeatures;
import io.ublksnap.ublkd.control.FeaturesInfo;
import io.ublksnap.ublkd.device.UblkDevice;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Devices served as ublk block devices (/dev/ublkbN) through the kernel's ublk driver. */
public final class UblkHost implements DeviceHost {
    private final UblkControl control;
    private final long kernelFeatures;
    private final UblkDevice.Options options;

    public UblkHost(UblkControl control, UblkDevice.Options options) {
        this.control = control;
        this.kernelFeatures = control.getFeatures().orElse(-1);
        this.options = options;
    }

    public long kernelFeatures() {
        return kernelFeatures;
    }

    @Override
    public Served serve(String name, Target target, Geometry g, int id, boolean required, Consumer<String> beforeStart)
            throws IOException {
        UblkDevice d = UblkDevice.create(control, kernelFeatures, name, target, id, required,
                new UblkDevice.Geometry(g.sectors(), g.logicalBlockSize(), g.physicalBlockSize(), g.discardSectors(), g.readOnly()), options,
                beforeStart);
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
