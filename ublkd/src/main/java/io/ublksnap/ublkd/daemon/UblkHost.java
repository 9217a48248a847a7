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
    public Served serve(String name, Target target, Geometry g, Consumer<String> beforeStart) throws IOException {
        UblkDevice d = UblkDevice.create(control, kernelFeatures, name, target,
                new UblkDevice.Geometry(g.sectors(), g.logicalBlockSize(), g.physicalBlockSize(), g.discard()), options, beforeStart);
        return new Served() {
            @Override
            public String blockPath() {
                return d.blockPath();
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
        return new FeaturesInfo(kernelFeatures, kernelFeatures < 0 ? List.of() : UblkFeatures.names(kernelFeatures),
                control.encoding().name());
    }
}
