/** FFM bindings: io_uring through liburing, the ublk UAPI, and libc. */
package io.ublksnap.ffi;
