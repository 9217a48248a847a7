package io.ublksnap.ublkd.control;

import java.util.List;

/**
 * The kernel's ublk features.
 *
 * @param mask     UBLK_F_* bits, or -1 when the kernel has no GET_FEATURES
 * @param encoding how control commands are encoded (ioctl or legacy)
 */
public record FeaturesInfo(long mask, List<String> names, String encoding) {
}
