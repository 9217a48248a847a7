package io.ublksnap.ublkd.control;

import io.ublksnap.engine.SnapshotException;
import io.ublksnap.ublkd.cli.AsNobody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The control socket: its directory, who may use it, and what it does with requests that are not requests. */
class ControlServerTest {
    @TempDir
    Path dir;

    final List<String> log = new ArrayList<>();
    final List<ControlServer> servers = new ArrayList<>();

    static final ControlServer.Handler HANDLER = r -> switch (r) {
        case Request.Ping p -> "pong";
        case Request.StatusAll s -> List.of();
        default -> throw new SnapshotException("unknown device 'x': see 'ublkd list'");
    };

    ControlServer start(Path socket) throws IOException {
        ControlServer s = ControlServer.bind(socket, HANDLER, stop -> { }, log::add, Duration.ofMillis(300));
        servers.add(s);
        Thread.ofPlatform().daemon().start(s::serve);
        return s;
    }

    @AfterEach
    void stop() throws IOException {
        for (ControlServer s : servers) {
            s.close();
        }
    }

    static String send(Path socket, byte[] request) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                c.write(b);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (c.read(in.clear()) > 0) {
                out.write(in.array(), 0, in.position());
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static String send(Path socket, String line) throws IOException {
        return send(socket, (line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One line, a JSON error, no Java in it. */
    static String error(String answer) {
        assertTrue(answer.endsWith("\n") && answer.indexOf('\n') == answer.length() - 1, "not one line: " + answer);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Wire.parse(answer.strip());
        assertEquals(false, m.get("ok"), answer);
        String e = (String) m.get("error");
        assertTrue(!e.contains("Exception") && !e.contains("java.") && !e.contains("class ") && !e.contains("cannot be cast"),
                "Java internals in: " + e);
        return e;
    }

    @Test
    void aSocketInASharedDirectoryLeavesTheDirectoryAlone() throws IOException {
        Path shared = Files.createDirectory(dir.resolve("tmp"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(shared, "unix:mode", 01777);
        start(shared.resolve("u.sock"));
        assertEquals(01777, ((Integer) Files.getAttribute(shared, "unix:mode")) & 07777, "the shared directory's mode changed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("u.sock"))));
    }

    @Test
    void directoriesItCreatesAreItsOwn() throws IOException {
        start(dir.resolve("new/sub/u.sock"));
        for (Path p : List.of(dir.resolve("new"), dir.resolve("new/sub"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    @Test
    void badRequestsGetOneLineErrors() throws Exception {
        Path sock = dir.resolve("u.sock");
        ControlServer s = start(sock);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertTrue(send(sock, "{\"op\":\"ping\"}").contains("\"pong\""));
            assertTrue(error(send(sock, "null")).contains("one JSON object"));
            assertTrue(error(send(sock, "\"\\u\"")).startsWith("bad JSON"));
            assertTrue(error(send(sock, "[".repeat(10_000))).contains("nested too deeply"));
            assertTrue(error(send(sock, "{\"op\":\"" + "x".repeat(70_000) + "\"}")).contains("longer than"));
            assertTrue(error(send(sock, new byte[]{'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}', '\n'})).contains("UTF-8"));
            assertTrue(error(send(sock, "{\"op\":\"ping\",\"x\":1}")).contains("has no field 'x'"));
            assertTrue(error(send(sock, "{\"op\":\"status\",\"name\":7}")).contains("text field 'name'"));
            assertTrue(error(send(sock, "{\"op\":\"snapshot\",\"name\":\"s\",\"origin\":\"o\",\"cow\":\"/c\",\"chunk\":4294967304}"))
                    .contains("bad chunk size 4294967304"));
            assertTrue(error(send(sock, "{\"op\":\"origin\",\"name\":\"o\",\"path\":\"/p\",\"create\":1e400}")).contains("whole-number"));
            assertTrue(error(send(sock, "{\"op\":\"origin\",\"name\":\"o\",\"path\":\"/p\",\"create\":01}")).startsWith("bad JSON"));
            assertTrue(error(send(sock, "{\"op\":\"origin\",\"name\":\"o\",\"path\":\"/p\",\"create\":+1}")).startsWith("bad JSON"));
            assertTrue(error(send(sock, "{\"op\":\"status\",\"name\":\"\\x\"}")).startsWith("bad JSON"));
            assertTrue(error(send(sock, "{\"op\":\"ping\",\"op\":\"stop\"}")).startsWith("bad JSON"));
            assertTrue(error(send(sock, "{\"op\":\"status\",\"name\":\"x\"}")).contains("unknown device"));
            assertTrue(error(send(sock, "{\"op\":\"frob\"}")).contains("unknown request"));
        });
        assertEquals(0, s.internalErrors());
        assertTrue(log.isEmpty(), "the log has: " + log);
    }

    @Test
    void aClientThatSendsNothingIsCutOff() throws Exception {
        Path sock = dir.resolve("u.sock");
        start(sock);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                c.write(ByteBuffer.wrap("{\"op\":".getBytes()));
                assertEquals(-1, c.read(ByteBuffer.allocate(16)), "the server kept a silent client");
            }
            assertTrue(send(sock, "{\"op\":\"ping\"}").contains("pong"), "the server stopped answering");
        });
    }

    @Test
    void onlyRootOrTheSocketsOwnerMayUseIt() throws Exception {
        assumeTrue(AsNobody.possible(), "needs root and setpriv to connect as another user");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sock = dir.resolve("u.sock");
        start(sock);
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-")); // as a careless admin might
        AsNobody.Result r = AsNobody.run(dir, "--socket", sock.toString(), "list");
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("permission denied: only root or the owner"), r.output());
        assertTrue(send(sock, "{\"op\":\"ping\"}").contains("pong"), "root was refused");
    }
}
