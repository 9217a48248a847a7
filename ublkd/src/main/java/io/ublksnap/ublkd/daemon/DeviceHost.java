package io.ublksnap.ublkd.daemon;

import io.ublksnap.engine.Target;
import io.ublksnap.ublkd.control.FeaturesInfo;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the daemon's devices are served: ublk block devices in production ({@link UblkHost}), a
 * stand-in in host tests. Each served device sends its requests to an engine {@link Target}.
 */
public interface DeviceHost {

    /**
     * Block-device geometry of a served device.
     *
     * @param discardSectors discard granularity and largest discard in sectors; 0: the device takes no discards
     */
    record Geometry(long sectors, int logicalBlockSize, int physicalBlockSize, int discardSectors, boolean readOnly) {
    }

    /** One served device. */
    interface Served {
        /** /dev/ublkbN. */
        String blockPath();

        /** N of /dev/ublkbN. */
        int devId();

        /** Sends requests to {@code next} from now on (a reloaded table). */
        void retarget(Target next);

        /** Stops taking requests; returns once the ones in flight are done. */
        void stop() throws IOException;

        /** Stops (if needed) and deletes the device. */
        void delete() throws IOException;

        /**
         * Leaves the device to the next daemon (a planned restart): it stops serving without stopping
         * the device, which stays, its requests waiting for the next daemon to take it over.
         */
        void leave() throws IOException;

        int queueCount();

        /** Who holds the block device open ("mounted on /mnt; open by pid 12 (fio)"), or null: nobody. */
        String users();

        boolean zeroCopy();

        /** Whether requests are fetched and answered in batches (UBLK_F_BATCH_IO). */
        boolean batchIo();
    }

    /**
     * Creates and starts a device named {@code name} for {@code target}, with ublk device id
     * {@code id} when it is free ({@link #ANY_ID}: the kernel chooses); when it is not, another
     * unless {@code required}. {@code beforeStart} gets its block path (/dev/ublkbN) once the
     * number is known and before the disk appears, so that what udev reads at the disk's add
     * event is in place by then.
     */
    Served serve(String name, Target target, Geometry geometry, int id, boolean required, Consumer<String> beforeStart)
            throws IOException;

    int ANY_ID = -1;

    /**
     * Whether an earlier daemon left device {@code id} behind when it died or handed over (its disk
     * still there, its requests waiting), for the configured device with that id to take over.
     */
    default boolean leftBehind(int id) {
        return false;
    }

    /**
     * Takes over device {@code id}, which an earlier daemon left behind ({@link #leftBehind}): the
     * same disk, its requests (the waiting ones and those the dead daemon held) now go to
     * {@code target}. On failure the device stays left behind for a later attempt.
     */
    default Served takeOver(String name, Target target, Geometry geometry, int id, Consumer<String> beforeStart) throws IOException {
        throw new UnsupportedOperationException("nothing was left behind");
    }

    /**
     * Once the configured devices are back: what was left behind and is claimed by none of the
     * {@code configured} ids goes, unless somebody uses it.
     */
    default void settleLeftBehind(Set<Integer> configured) {
    }

    /** What the kernel offers. */
    FeaturesInfo features();
}
