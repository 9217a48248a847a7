/**
 * The Java API over the native pieces ublksnap uses: {@link io.ublksnap.ffi.IoUring} (io_uring driven from Java, SQEs
 * written straight into the mapped ring), {@link io.ublksnap.ffi.Libc} (file, device and memory calls that throw
 * {@link io.ublksnap.ffi.NativeException} with the errno), {@link io.ublksnap.ffi.NativeMemory} (page-aligned
 * buffers), and ublk: {@link io.ublksnap.ffi.UblkControl} for the control device and {@link io.ublksnap.ffi.UblkIo}
 * for the per-queue data plane.
 *
 * <p>Raw bindings live in {@link io.ublksnap.ffi.c}. Every JVM using this package needs
 * {@code --enable-native-access=ALL-UNNAMED} (or the module name).
 */
package io.ublksnap.ffi;
