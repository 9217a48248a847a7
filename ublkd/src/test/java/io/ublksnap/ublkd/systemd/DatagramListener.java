package io.ublksnap.ublkd.systemd;

import io.ublksnap.ffi.c.libc_h;
import io.ublksnap.ffi.c.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A Unix datagram socket bound to a path or an abstract name, as systemd's notify socket is: what ublkd sends arrives
 * here. Reads never wait (a datagram to a local socket is queued when sendto returns), so a test cannot hang.
 */
@SuppressWarnings("restricted")
final class DatagramListener implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(libc_h.C_INT, libc_h.C_INT, libc_h.C_INT, libc_h.C_INT));
    private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(libc_h.C_INT, libc_h.C_INT, libc_h.C_POINTER, libc_h.C_INT));
    private static final MethodHandle RECV = handle("recv", FunctionDescriptor.of(libc_h.C_LONG, libc_h.C_INT, libc_h.C_POINTER, libc_h.C_LONG, libc_h.C_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(libc_h.C_INT, libc_h.C_INT));
    private static final int MSG_DONTWAIT = 0x40;

    private final Arena arena = Arena.ofConfined();
    private final int fd;

    /** Binds to {@code address}: a path, or '@' and an abstract name. */
    DatagramListener(String address) throws Throwable {
        fd = (int) SOCKET.invokeExact(libc_h.AF_UNIX, libc_h.SOCK_DGRAM | libc_h.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket failed");
        }
        MemorySegment sa = sockaddr_un.allocate(arena);
        sockaddr_un.sun_family(sa, (short) libc_h.AF_UNIX);
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        boolean bare = name[0] == '@';
        MemorySegment.copy(name, 0, sockaddr_un.sun_path(sa), ValueLayout.JAVA_BYTE, 0, name.length);
        if (bare) {
            sockaddr_un.sun_path(sa).set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
        }
        int len = (int) (sockaddr_un.sun_path$offset() + name.length + (bare ? 0 : 1));
        if ((int) BIND.invokeExact(fd, sa, len) != 0) {
            throw new IllegalStateException("bind " + address + " failed");
        }
    }

    /** The next datagram queued, or null when there is none. */
    String poll() throws Throwable {
        MemorySegment buf = arena.allocate(4096);
        long n = (long) RECV.invokeExact(fd, buf, buf.byteSize(), MSG_DONTWAIT);
        if (n < 0) {
            return null;
        }
        return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        arena.close();
    }

    private static MethodHandle handle(String name, FunctionDescriptor desc) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), desc);
    }
}
