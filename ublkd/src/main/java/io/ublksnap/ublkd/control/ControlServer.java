package io.ublksnap.ublkd.control;

import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.daemon.Daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The daemon's control socket: a Unix domain socket that only root can reach (directory 0700,
 * socket 0600). Each connection carries one JSON request line and gets one JSON answer line:
 * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error":"one line"}}.
 */
public final class ControlServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/ublksnap/ublkd.sock");

    private final Daemon daemon;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Runnable onStop;
    private volatile boolean closed;

    private ControlServer(Daemon daemon, Path socket, ServerSocketChannel server, Runnable onStop) {
        this.daemon = daemon;
        this.socket = socket;
        this.server = server;
        this.onStop = onStop;
    }

    /** Fails if another daemon answers on {@code socket}. */
    public static void checkNotRunning(Path socket) {
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new SnapshotException("ublkd is already running (it answers on " + socket + "): stop it first with 'ublkd stop'");
            } catch (IOException stale) {
                // nobody there
            }
        }
    }

    /** Binds the socket; fails if another daemon answers on it. */
    public static ControlServer bind(Daemon daemon, Path socket, Runnable onStop) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new SnapshotException("ublkd is already running (it answers on " + socket + "): stop it first with 'ublkd stop'");
            } catch (IOException stale) {
                Files.delete(socket);
            }
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return new ControlServer(daemon, socket, ch, onStop);
    }

    public Path socket() {
        return socket;
    }

    /** Serves connections until closed; each request runs on a virtual thread of its own. */
    public void serve() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("ublkd: control socket: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("ublkd-request").start(() -> handle(c));
        }
    }

    private void handle(SocketChannel c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(c)) {
            String line = in.readLine();
            if (line == null) {
                return;
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            boolean stop = false;
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> req = (Map<String, Object>) Json.parse(line);
                String op = str(req, "op");
                stop = op.equals("stop");
                reply.put("ok", true);
                reply.put("result", dispatch(op, req));
            } catch (SnapshotException | IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
                reply.clear();
                reply.put("ok", false);
                reply.put("error", oneLine(e));
            }
            out.write((Json.write(reply) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (stop) {
                onStop.run();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static String str(Map<String, Object> req, String key) {
        Object v = req.get(key);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("request lacks '" + key + "'");
        }
        return s;
    }

    private static String opt(Map<String, Object> req, String key, String dflt) {
        Object v = req.get(key);
        return v == null ? dflt : v.toString();
    }

    private Object dispatch(String op, Map<String, Object> req) throws IOException {
        return switch (op) {
            case "ping" -> "pong";
            case "features" -> daemon.features();
            case "origin" -> daemon.createOrigin(str(req, "name"), str(req, "path"));
            case "snapshot" -> daemon.createSnapshot(str(req, "name"), str(req, "origin"), str(req, "cow"),
                    StoreType.parse(opt(req, "store", "P")), (int) ChunkSize.parse(opt(req, "chunk", "0")));
            case "load" -> daemon.load(str(req, "name"), str(req, "table"));
            case "reload" -> daemon.reload(str(req, "name"), str(req, "table"));
            case "merge" -> daemon.merge(str(req, "name"));
            case "remove" -> {
                daemon.remove(str(req, "name"));
                yield "removed";
            }
            case "status" -> req.get("name") == null ? daemon.describeAll() : daemon.describe(str(req, "name"));
            case "stop" -> "stopping";
            default -> throw new IllegalArgumentException("unknown request '" + op + "'");
        };
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(socket);
    }
}
