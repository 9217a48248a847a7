package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.log.Log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import jdk.net.UnixDomainPrincipal;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jdk.net.ExtendedSocketOptions;

/**
 * The daemon's control socket: a Unix domain socket (0600) that only root or the socket's owner may
 * use (checked with SO_PEERCRED on every connection). Each connection carries one request line
 * (at most {@link Wire#MAX_REQUEST_BYTES} bytes, read within a time limit) and gets one answer line
 * (see {@link Wire}). Anything that is not a valid request gets a one-line error; nothing a client
 * sends puts a stack trace in the log.
 */
public final class ControlServer implements AutoCloseable {
    public static final Path DEFAULT_SOCKET = Path.of("/run/ublksnap/ublkd.sock");

    /** What answers the requests: the daemon, or a test's stand-in. */
    public interface Handler {
        /** The result of {@code r} (a String, a record of this package, or a list of them). */
        Object handle(Request<?> r) throws Exception;
    }

    private final Handler handler;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Consumer<Request.Stop> onStop;
    private final Consumer<String> log;
    private final Duration readTimeout;
    private final UserPrincipal owner;
    private final UserPrincipal root;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("ublkd-socket-timer").unstarted(r));
    private final AtomicLong internalErrors = new AtomicLong();
    private volatile boolean closed;

    private ControlServer(Handler handler, Path socket, ServerSocketChannel server, Consumer<Request.Stop> onStop, Consumer<String> log,
                          Duration readTimeout) throws IOException {
        this.handler = handler;
        this.socket = socket;
        this.server = server;
        this.onStop = onStop;
        this.log = log;
        this.readTimeout = readTimeout;
        this.owner = Files.getOwner(socket);
        UserPrincipal r;
        try {
            r = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException e) {
            r = null;
        }
        this.root = r;
    }

    /** Fails if another daemon answers on {@code socket}. */
    /** Whether a daemon answers on {@code socket}. */
    public static boolean isRunning(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException stale) {
            return false;
        }
    }

    public static void checkNotRunning(Path socket) {
        if (isRunning(socket)) {
            throw new SnapshotException("ublkd is already running (it answers on " + socket + "): stop it first with 'ublkd stop'");
        }
    }

    /**
     * Binds the socket; fails if another daemon answers on it. Directories that do not exist are
     * created for ublkd alone (0700); an existing directory (say /tmp) is left as it is, except
     * ublkd's own default directory.
     */
    public static ControlServer bind(Path socket, Handler handler, Consumer<Request.Stop> onStop, Consumer<String> log, Duration readTimeout)
            throws IOException {
        Path sock = socket.toAbsolutePath();
        Path dir = sock.getParent();
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(d);
        }
        for (Path d : missing.reversed()) {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------")); // whatever the umask
        }
        if (dir.equals(DEFAULT_SOCKET.getParent())) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        checkNotRunning(sock);
        Files.deleteIfExists(sock);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(sock));
            Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-------"));
            return new ControlServer(handler, sock, ch, onStop, log, readTimeout);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Path socket() {
        return socket;
    }

    /** Requests whose handling failed with something other than a refusal (bugs): the fuzz tests expect none. */
    public long internalErrors() {
        return internalErrors.get();
    }

    /** Serves connections until closed; each request runs on a virtual thread of its own. */
    public void serve() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    Log.of(log).error("control socket: " + e.getMessage());
                }
                return;
            }
            Thread.ofVirtual().name("ublkd-request").start(() -> handle(c));
        }
    }

    private void handle(SocketChannel c) {
        try (c) {
            ScheduledFuture<?> timeout = timer.schedule(() -> {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing a dead connection
                }
            }, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
            byte[] line;
            try {
                line = readLine(c);
            } finally {
                timeout.cancel(false);
            }
            if (line == null) {
                return;
            }
            if (!allowed(c)) {
                reply(c, Wire.error("permission denied: only root or the owner of " + socket + " may use ublkd"));
                return;
            }
            Answer a = answer(line);
            reply(c, a.text());
            if (a.stop() != null) {
                onStop.accept(a.stop());
            }
        } catch (IOException e) {
            // the client went away, or was too slow
        }
    }

    /** The answer to one request line, and the stop it asked for (null: none). */
    public record Answer(String text, Request.Stop stop) {
    }

    /** Decodes (strict UTF-8), parses and handles one request line; never throws (the socket loop and the fuzz tests). */
    public Answer answer(byte[] line) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return new Answer(Wire.error("bad request: not valid UTF-8 text"), null);
        }
        return answer(text);
    }

    /** Parses and handles one request line; never throws. */
    public Answer answer(String line) {
        Request<?> r;
        try {
            r = Wire.request(line);
        } catch (SnapshotException e) {
            return new Answer(Wire.error(oneLine(e)), null);
        } catch (RuntimeException | StackOverflowError e) {
            internalErrors.incrementAndGet();
            Log.of(log).warning("bad request: cannot read it (" + e.getClass().getSimpleName() + ")");
            return new Answer(Wire.error("bad request: cannot read it"), null);
        }
        try {
            return new Answer(Wire.ok(handler.handle(r)), r instanceof Request.Stop stop ? stop : null);
        } catch (SnapshotException | IOException e) {
            return new Answer(Wire.error(oneLine(e)), null);
        } catch (Throwable e) {
            internalErrors.incrementAndGet();
            Log.of(log).error("internal error handling '" + r.op() + "': " + e.getClass().getSimpleName() + ": " + oneLine(e));
            return new Answer(Wire.error("internal error in ublkd while handling '" + r.op() + "' (see its log)"), null);
        }
    }

    private boolean allowed(SocketChannel c) throws IOException {
        UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return p.user().equals(owner) || p.user().equals(root);
    }

    /** One line of at most MAX_REQUEST_BYTES; null if the client sent nothing. */
    private static byte[] readLine(SocketChannel c) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (true) {
            b.clear();
            int n = c.read(b);
            if (n < 0) {
                if (line.size() == 0) {
                    return null;
                }
                break;
            }
            int nl = -1;
            for (int i = 0; i < n; i++) {
                if (b.get(i) == '\n') {
                    nl = i;
                    break;
                }
            }
            line.write(b.array(), 0, nl >= 0 ? nl : n);
            if (line.size() > Wire.MAX_REQUEST_BYTES) {
                reply(c, Wire.error("bad request: longer than " + Wire.MAX_REQUEST_BYTES + " bytes"));
                throw new IOException("request too long");
            }
            if (nl >= 0) {
                break;
            }
        }
        return line.toByteArray();
    }

    private static void reply(SocketChannel c, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            c.write(out);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = "failed";
        }
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        timer.shutdownNow();
        Files.deleteIfExists(socket);
    }
}
