package io.ublksnap.ffi.c;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles a C program against the real headers and compares what it prints ({@code sizeof}, {@code offsetof}, field
 * widths, constant values) with what the Java bindings say. Everything is derived from the Java side: the struct
 * layouts of this package (field names are the C names; anonymous unions are flattened) and the {@code int}/{@code
 * long} constants of the header classes. A check the header cannot compile (a field, struct or macro newer than the
 * header) is dropped and reported as "not in installed header: ..."; everything else must match exactly, except that a
 * struct may be shorter in an older header when exactly the fields it lacks lie beyond its end.
 *
 * <p>Three runs: liburing.h (liburing's structs and its copy of the io_uring UAPI), the installed kernel UAPI headers,
 * and the newest UAPI headers ({@code scripts/setup} unpacks them under {@link #NEWEST}) placed first on the include
 * path; glibc and liburing always come from {@code /usr/include}.
 */
class CHeaderProbeTest {

    static final Path NEWEST = Path.of(System.getenv().getOrDefault("UBLK_VM_CACHE", "/var/cache/ublksnap-vm"),
            "headers/root/usr/include");

    @TempDir
    Path dir;

    /** struct class layouts checked against the kernel UAPI and glibc headers. */
    static final Map<String, GroupLayout> UAPI_STRUCTS = new LinkedHashMap<>();
    /** struct layouts checked against liburing.h. */
    static final Map<String, GroupLayout> LIBURING_STRUCTS = new LinkedHashMap<>();

    static {
        for (GroupLayout l : List.of(io_uring_sqe.layout(), io_uring_cqe.layout(), io_sqring_offsets.layout(),
                io_cqring_offsets.layout(), io_uring_params.layout(), io_uring_rsrc_register.layout(),
                io_uring_rsrc_update2.layout(), io_uring_probe.layout(), io_uring_probe_op.layout(),
                __kernel_timespec.layout(), iovec.layout(), stat.layout(), ublksrv_ctrl_cmd.layout(),
                ublksrv_ctrl_dev_info.layout(), ublksrv_io_desc.layout(), ublksrv_io_cmd.layout(),
                ublk_auto_buf_reg.layout(), ublk_batch_io.layout(), ublk_elem_header.layout(), io_uring_buf.layout(),
                io_uring_buf_reg.layout(), ublk_param_basic.layout(), ublk_param_discard.layout(),
                ublk_param_devt.layout(), ublk_param_zoned.layout(), ublk_param_dma_align.layout(),
                ublk_param_segment.layout(), ublk_param_integrity.layout(), ublk_params.layout(), sockaddr_un.layout())) {
            UAPI_STRUCTS.put(l.name().orElseThrow(), l);
        }
        for (GroupLayout l : List.of(io_uring.layout(), io_uring_sq.layout(), io_uring_cq.layout(),
                io_uring_sqe.layout(), io_uring_cqe.layout(), io_uring_params.layout(), io_sqring_offsets.layout(),
                io_cqring_offsets.layout(), io_uring_rsrc_register.layout(), io_uring_probe.layout(),
                io_uring_probe_op.layout(), iovec.layout())) {
            LIBURING_STRUCTS.put(l.name().orElseThrow(), l);
        }
    }

    private static final String UAPI_INCLUDES = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <stddef.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <poll.h>
            #include <unistd.h>
            #include <sys/stat.h>
            #include <sys/mman.h>
            #include <sys/uio.h>
            #include <sys/eventfd.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            #include <linux/ioctl.h>
            #include <linux/fs.h>
            #include <linux/falloc.h>
            #include <linux/time_types.h>
            #include <linux/io_uring.h>
            #include <linux/ublk_cmd.h>
            """;

    private static final String LIBURING_INCLUDES = """
            #include <stdio.h>
            #include <stddef.h>
            #include <liburing.h>
            """;

    /** One line of the probe: a C expression whose value is compared with {@code expected}. */
    record Check(String kind, String name, String cExpr, long expected, boolean intWidth, String struct,
                 long javaOffset) {
        String label() {
            return kind + " " + name;
        }
    }

    record Outcome(List<String> mismatches, Set<String> missing, int checked) {
    }

    // ------------------------------------------------------------------ tests

    @Test
    void liburingStructsMatchLiburingH() throws Exception {
        requireGcc();
        List<Check> checks = structChecks(LIBURING_STRUCTS);
        checks.addAll(constantChecks(io_uring_h.class));
        Outcome o = probe("liburing.h", LIBURING_INCLUDES, checks, List.of());
        assertTrue(o.checked() > 200, "only " + o.checked() + " checks compiled");
        for (String s : List.of("io_uring", "io_uring_sq", "io_uring_cq", "io_uring_sqe", "io_uring_cqe")) {
            assertFalse(o.missing().contains("struct " + s), "liburing.h must define struct " + s);
        }
        assertEquals(List.of(), o.mismatches());
    }

    @Test
    void uapiMatchesInstalledHeaders() throws Exception {
        requireGcc();
        Outcome o = probe("installed headers", UAPI_INCLUDES, uapiChecks(), List.of());
        assertTrue(o.checked() > 300, "only " + o.checked() + " checks compiled");
        for (String s : List.of("io_uring_sqe", "ublksrv_ctrl_cmd", "ublksrv_ctrl_dev_info", "ublksrv_io_desc",
                "ublksrv_io_cmd", "ublk_param_basic", "ublk_params", "stat")) {
            assertFalse(o.missing().contains("struct " + s), "the installed headers must define struct " + s);
        }
        assertEquals(List.of(), o.mismatches());
    }

    @Test
    void uapiMatchesNewestHeaders() throws Exception {
        requireGcc();
        assumeTrue(Files.isRegularFile(NEWEST.resolve("linux/ublk_cmd.h")),
                "newest headers not unpacked at " + NEWEST + "; run scripts/setup");
        List<String> flags = List.of("-I" + NEWEST, "-I" + NEWEST.resolve("x86_64-linux-gnu"));
        Outcome o = probe("newest headers " + NEWEST, UAPI_INCLUDES, uapiChecks(), flags);
        assertTrue(o.checked() > 400, "only " + o.checked() + " checks compiled");
        // everything the ublk bindings define must exist in the newest header
        List<String> ublkMissing = o.missing().stream()
                .filter(m -> m.contains("ublk") || m.contains("UBLK")).toList();
        assertEquals(List.of(), ublkMissing, "ublk names missing from the newest header");
        assertEquals(List.of(), o.mismatches());
    }

    private static List<Check> uapiChecks() {
        List<Check> checks = structChecks(UAPI_STRUCTS);
        checks.addAll(constantChecks(io_uring_h.class));
        checks.addAll(constantChecks(ublk_cmd_h.class));
        checks.addAll(constantChecks(libc_h.class));
        return checks;
    }

    // ------------------------------------------------------------------ checks from the Java side

    static List<Check> structChecks(Map<String, GroupLayout> structs) {
        List<Check> checks = new ArrayList<>();
        for (var e : structs.entrySet()) {
            String s = e.getKey();
            String type = "struct " + s;
            checks.add(new Check("sizeof", s, "sizeof(" + type + ")", e.getValue().byteSize(), false, s, -1));
            addFields(checks, s, type, e.getValue(), 0);
        }
        return checks;
    }

    private static void addFields(List<Check> checks, String s, String type, GroupLayout group, long base) {
        long offset = 0;
        for (MemoryLayout m : group.memberLayouts()) {
            long at = base + (group instanceof UnionLayout ? 0 : offset);
            if (group instanceof StructLayout) {
                offset += m.byteSize();
            }
            if (m instanceof PaddingLayout) {
                continue;
            }
            String name = m.name().orElseThrow();
            if (name.startsWith("$anon") && m instanceof GroupLayout g) {
                addFields(checks, s, type, g, at);
                continue;
            }
            String field = s + "." + name;
            checks.add(new Check("offsetof", field, "offsetof(" + type + ", " + name + ")", at, false, s, at));
            String member = "((" + type + " *) 0)->" + name;
            if (m instanceof SequenceLayout seq) {
                checks.add(new Check("elemsize", field, "sizeof(" + member + "[0])",
                        seq.elementLayout().byteSize(), false, s, at));
            } else {
                checks.add(new Check("fieldsize", field, "sizeof(" + member + ")", m.byteSize(), false, s, at));
            }
        }
    }

    static List<Check> constantChecks(Class<?> header) {
        List<Check> checks = new ArrayList<>();
        for (Field f : header.getFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isFinal(mod)) {
                continue;
            }
            try {
                if (f.getType() == int.class) {
                    checks.add(new Check("const", f.getName(), "(long long) (" + f.getName() + ")", f.getInt(null),
                            true, null, -1));
                } else if (f.getType() == long.class) {
                    checks.add(new Check("const", f.getName(), "(long long) (" + f.getName() + ")", f.getLong(null),
                            false, null, -1));
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return checks;
    }

    // ------------------------------------------------------------------ the probe

    private static final Pattern ERROR_LINE = Pattern.compile("probe\\.c:(\\d+):\\d+: (?:error|note)");

    private Outcome probe(String what, String includes, List<Check> all, List<String> includeFlags)
            throws IOException, InterruptedException {
        List<Check> checks = new ArrayList<>(all);
        Set<String> missing = new LinkedHashSet<>();
        Path src = dir.resolve("probe.c");
        Path exe = dir.resolve("probe");
        for (int attempt = 0; ; attempt++) {
            // one check per line, so that compiler errors map back to checks
            StringBuilder c = new StringBuilder(includes).append("int main(void) {\n");
            int firstLine = (int) includes.lines().count() + 2;
            for (Check k : checks) {
                c.append("printf(\"%s %lld\\n\", \"").append(k.label()).append("\", (long long) (")
                        .append(k.cExpr()).append("));\n");
            }
            c.append("return 0;\n}\n");
            Files.writeString(src, c);
            List<String> cmd = new ArrayList<>(List.of("gcc", "-std=gnu11", "-w", "-fmax-errors=0"));
            cmd.addAll(includeFlags);
            cmd.addAll(List.of("-o", exe.toString(), src.toString()));
            Result gcc = run(cmd);
            if (gcc.exit() == 0) {
                break;
            }
            Set<Integer> bad = new TreeSet<>();
            Matcher m = ERROR_LINE.matcher(gcc.output());
            while (m.find()) {
                int idx = Integer.parseInt(m.group(1)) - firstLine;
                if (idx >= 0 && idx < checks.size()) {
                    bad.add(idx);
                }
            }
            assertFalse(bad.isEmpty() || attempt > 8, "probe does not compile for " + what + ":\n" + gcc.output());
            List<Check> kept = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                if (bad.contains(i)) {
                    Check k = checks.get(i);
                    missing.add(k.kind().equals("sizeof") ? "struct " + k.name() : k.name());
                } else {
                    kept.add(checks.get(i));
                }
            }
            checks = kept;
        }
        Result out = run(List.of(exe.toString()));
        assertEquals(0, out.exit(), out.output());
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : out.output().split("\n")) {
            int sp = line.lastIndexOf(' ');
            values.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
        }

        List<String> mismatches = new ArrayList<>();
        for (Check k : checks) {
            Long v = values.get(k.label());
            assertNotNull(v, "no output for " + k.label());
            boolean same = k.intWidth() ? (int) (long) v == (int) k.expected() : v == k.expected();
            if (same) {
                continue;
            }
            if (k.kind().equals("sizeof") && shorterOlderStruct(k, v, all, missing)) {
                System.out.printf("[%s] older struct %s: sizeof %d in the header, %d in Java (later fields missing)%n",
                        what, k.name(), v, k.expected());
                continue;
            }
            mismatches.add(k.label() + ": C " + v + " (0x" + Long.toHexString(v) + "), Java " + k.expected()
                    + " (0x" + Long.toHexString(k.expected()) + ")");
        }
        System.out.printf("[%s] %d checks compiled and compared, %d mismatches%n", what, checks.size(),
                mismatches.size());
        for (String m : missing) {
            System.out.printf("[%s] not in installed header: %s%n", what, m);
        }
        mismatches.forEach(m -> System.out.printf("[%s] MISMATCH %s%n", what, m));
        return new Outcome(mismatches, missing, checks.size());
    }

    /** An older header may end a struct early: fine if every Java field at or beyond its end is missing there. */
    private static boolean shorterOlderStruct(Check size, long cSize, List<Check> all, Set<String> missing) {
        if (cSize >= size.expected()) {
            return false;
        }
        boolean any = false;
        for (Check k : all) {
            if (k.kind().equals("offsetof") && size.name().equals(k.struct()) && k.javaOffset() >= cSize) {
                any = true;
                if (!missing.contains(k.name())) {
                    return false;
                }
            }
        }
        return any;
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void requireGcc() throws InterruptedException {
        boolean found;
        try {
            found = run(List.of("gcc", "--version")).exit() == 0;
        } catch (IOException e) {
            found = false;
        }
        assumeTrue(found, "gcc not installed (scripts/setup installs it)");
    }
}
