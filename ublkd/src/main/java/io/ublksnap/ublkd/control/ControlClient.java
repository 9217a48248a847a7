package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Sends one request to the daemon's control socket and returns its result, or throws its error. */
public final class ControlClient {
    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public Object call(Map<String, Object> request) {
        if (!Files.exists(socket)) {
            if (Files.exists(socket.getParent()) && !Files.isReadable(socket.getParent())) {
                throw new SnapshotException("permission denied on " + socket.getParent() + ": run as root");
            }
            throw new SnapshotException("ublkd is not running (no " + socket + "): start it with 'ublkd serve' or 'systemctl start ublkd'");
        }
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            c.write(java.nio.ByteBuffer.wrap((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new SnapshotException("ublkd closed the connection without an answer (did it stop?)");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = (Map<String, Object>) Json.parse(line);
            if (Boolean.TRUE.equals(reply.get("ok"))) {
                return reply.get("result");
            }
            throw new SnapshotException(String.valueOf(reply.get("error")));
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
}
