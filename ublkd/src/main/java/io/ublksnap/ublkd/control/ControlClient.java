package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends one request to the daemon's control socket and returns its typed result, or throws its error. */
public final class ControlClient {
    /** Largest answer read (status of many devices). */
    private static final int MAX_ANSWER_BYTES = 64 << 20;

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public <R> R call(Request<R> request) {
        if (!Files.exists(socket)) {
            Path dir = socket.toAbsolutePath().getParent();
            if (dir != null && Files.exists(dir) && !Files.isReadable(dir)) {
                throw new SnapshotException("permission denied on " + dir + ": run as root");
            }
            throw new SnapshotException("ublkd is not running (no " + socket + "): start it with 'ublkd serve' or 'systemctl start ublkd'");
        }
        // Encoded before connecting: the daemon closes a connection that sends no line within its
        // read timeout, and a client JVM that is still loading classes (a slow or loaded machine)
        // could take longer than that between connecting and writing (seen as "Broken pipe").
        ByteBuffer out = ByteBuffer.wrap((Wire.request(request) + "\n").getBytes(StandardCharsets.UTF_8));
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            while (out.hasRemaining()) {
                c.write(out);
            }
            String line = readLine(c);
            if (line == null) {
                throw new SnapshotException("ublkd closed the connection without an answer (did it stop?)");
            }
            return Wire.reply(request, line);
        } catch (AccessDeniedException e) {
            throw new SnapshotException("permission denied on " + socket + ": run as root");
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                throw new SnapshotException("permission denied on " + socket + ": run as root");
            }
            if (m.contains("Connection refused")) {
                throw new SnapshotException("ublkd is not running (" + socket + " is stale): start it with 'ublkd serve'");
            }
            throw new SnapshotException("cannot talk to ublkd on " + socket + ": " + m);
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        while (true) {
            b.clear();
            int n = c.read(b);
            if (n < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) == '\n') {
                    line.write(b.array(), 0, i);
                    return line.toString(StandardCharsets.UTF_8);
                }
            }
            line.write(b.array(), 0, n);
            if (line.size() > MAX_ANSWER_BYTES) {
                throw new SnapshotException("ublkd's answer is longer than " + MAX_ANSWER_BYTES + " bytes");
            }
        }
    }
}
