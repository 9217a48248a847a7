/**
 * Raw FFM bindings in the shape jextract generates (written by hand: jextract is not available to the build): one
 * class per C struct, named as in C, with static layout/offset/getter/setter methods over a {@link
 * java.lang.foreign.MemorySegment}, and one class per header ({@code libc_h}, {@code liburing_h}, {@code io_uring_h},
 * {@code ublk_cmd_h}) holding downcall handles and constants.
 *
 * <p>Nothing here allocates, validates or throws on C errors; {@link io.ublksnap.ffi} builds the Java API on top.
 * The test {@code CHeaderProbeTest} compiles a C program against the installed (and, when present, the newest)
 * headers and compares every size, offset and constant with what these classes say.
 */
package io.ublksnap.ffi.c;
