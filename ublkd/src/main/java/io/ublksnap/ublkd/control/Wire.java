package io.ublksnap.ublkd.control;

import io.ublksnap.ffi.DevInfo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.ublksnap.engine.ChunkSize;
import io.ublksnap.engine.SnapshotException;
import io.ublksnap.engine.SnapshotFeature;
import io.ublksnap.engine.store.StoreType;
import io.ublksnap.ublkd.control.DeviceInfo.OriginInfo;
import io.ublksnap.ublkd.control.DeviceInfo.SnapshotInfo;
import io.ublksnap.ublkd.control.DeviceInfo.Usage;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The control protocol's JSON, both ways, in one place: requests, replies, and the JSON that
 * {@code status --json} and {@code list --json} print (users script against it: keys are only ever
 * added, never renamed or removed).
 *
 * <p>A request is one line, one object: {@code {"op":"snapshot","name":"s1","origin":"base",
 * "cow":"/var/lib/s1.cow","store":"P","chunk":16}}. Ops and their fields: {@code ping};
 * {@code features}; {@code origin} name, path, create (bytes, optional); {@code snapshot} name,
 * origin, cow, store (P|PO|N, default P), chunk (sectors, default 0 = the default or the COW's
 * own), create, features [words], autoextend {threshold, percent}; {@code extend} name, size (bytes,
 * optional), relative (true: size is added), autoextend (optional); {@code load} and {@code reload} name, table; {@code merge} name; {@code remove}
 * name; {@code status} name (optional: all); {@code stats} name (optional: all); {@code activate} name (optional: all); {@code stop}.
 * Unknown ops and fields are refused. A request is at most {@value #MAX_REQUEST_BYTES} bytes and
 * {@value #MAX_DEPTH} levels deep. The answer is one line: {@code {"ok":true,"result":...}} or
 * {@code {"ok":false,"error":"one line"}}.
 *
 * <p>A device (status, list, and the result of origin, snapshot, load, reload and merge):
 * <pre>
 * origin:   name, role "origin", active, reason (only when not active), device (/dev/ublkbN or null),
 *           backing, sectors, target ("snapshot-origin" or "snapshot-merge"), table, status
 *           (dm's INFO, "" for snapshot-origin; table and status are null when not active),
 *           merge (when merging), snapshots [names], queues, zero_copy, batch_io
 * snapshot: name, role "snapshot", active, reason, device, origin, origin_backing, cow,
 *           store (P|PO|N), chunk_sectors, sectors, table, state (active, invalid, overflow, merging,
 *           merge failed, loaded, inactive), status (dm's INFO: "ALLOCATED/TOTAL METADATA", Invalid,
 *           Overflow, Merge failed, Unknown), valid, overflow, exceptions, pending,
 *           allocated_sectors, total_sectors, metadata_sectors, used_percent (when known),
 *           merge (when merging), features [discard_zeroes_cow, discard_passdown_origin],
 *           autoextend {threshold, percent} (when on)
 * merge:    snapshot, state (merging, stopped, failed, done), merged_chunks, total_chunks,
 *           chunk_sectors, bytes_per_second, seconds_left (-1: unknown), error (when failed),
 *           cow, store, cow_sectors
 * </pre>
 */
public final class Wire {
    public static final int MAX_REQUEST_BYTES = 64 << 10;
    public static final int MAX_DEPTH = 8;
    /** Longest string field (a path, a table line). */
    public static final int MAX_STRING = 4096;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_REQUEST_BYTES).maxNumberLength(40).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JSON JSON_IO = JSON.builder(FACTORY)
            .enable(JSON.Feature.PRESERVE_FIELD_ORDERING, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS)
            .build();

    /** A request the daemon cannot take; the message is one line for the client. */
    public static final class BadRequest extends SnapshotException {
        public BadRequest(String message) {
            super(message);
        }
    }

    private Wire() {
    }

    // -------------------------------------------------------------------------------------------
    // JSON text

    /** Writes a JSON value (maps, lists, strings, numbers, booleans, null) as one line. */
    public static String write(Object json) {
        try {
            return JSON_IO.asString(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Parses one JSON value; nothing may follow it. */
    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            Object v = JSON_IO.anyFrom(p);
            if (p.nextToken() != null) {
                throw new BadRequest("bad JSON: something follows the value");
            }
            return v;
        } catch (StreamConstraintsException e) {
            throw new BadRequest("bad JSON: too long or nested too deeply (at most " + MAX_DEPTH + " levels)");
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            m = m == null ? "" : m.lines().findFirst().orElse("");
            throw new BadRequest("bad JSON: " + m.replaceAll("\\s*\\(code \\d+\\)", ""));
        } catch (IOException e) {
            throw new BadRequest("bad JSON: " + e.getMessage());
        }
    }

    // -------------------------------------------------------------------------------------------
    // Requests

    public static String request(Request<?> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", r.op());
        switch (r) {
            case Request.Ping p -> {
            }
            case Request.Features f -> {
            }
            case Request.Stop s -> {
                if (s.handOver()) {
                    m.put("handover", true);
                }
                if (s.pid() != 0) {
                    m.put("pid", s.pid());
                }
            }
            case Request.StatusAll s -> {
            }
            case Request.CreateOrigin o -> {
                m.put("name", o.name());
                m.put("path", o.path());
                if (o.createBytes() > 0) {
                    m.put("create", o.createBytes());
                }
                if (o.readOnly()) {
                    m.put("read_only", true);
                }
                if (o.devId() >= 0) {
                    m.put("id", o.devId());
                }
            }
            case Request.CreateSnapshot s -> {
                m.put("name", s.name());
                m.put("origin", s.origin());
                m.put("cow", s.cow());
                m.put("store", s.store().code());
                m.put("chunk", s.chunkSectors());
                if (s.createBytes() > 0) {
                    m.put("create", s.createBytes());
                }
                if (s.init()) {
                    m.put("init", true);
                }
                if (!s.features().isEmpty()) {
                    m.put("features", features(s.features()));
                }
                if (s.autoextend() != null) {
                    m.put("autoextend", autoextend(s.autoextend()));
                }
                if (s.readOnly()) {
                    m.put("read_only", true);
                }
                if (s.devId() >= 0) {
                    m.put("id", s.devId());
                }
            }
            case Request.Extend x -> {
                m.put("name", x.name());
                if (x.sizeBytes() > 0) {
                    m.put("size", x.sizeBytes());
                }
                if (x.relative()) {
                    m.put("relative", true);
                }
                if (x.autoextend() != null) {
                    m.put("autoextend", autoextend(x.autoextend()));
                }
            }
            case Request.Load l -> {
                m.put("name", l.name());
                m.put("table", l.table());
            }
            case Request.Reload l -> {
                m.put("name", l.name());
                m.put("table", l.table());
            }
            case Request.Merge x -> m.put("name", x.name());
            case Request.Remove x -> {
                m.put("name", x.name());
                if (x.force()) {
                    m.put("force", true);
                }
            }
            case Request.Status x -> m.put("name", x.name());
            case Request.Stats x -> {
                if (x.name() != null) {
                    m.put("name", x.name());
                }
            }
            case Request.Activate x -> {
                if (x.name() != null) {
                    m.put("name", x.name());
                }
            }
        }
        return write(m);
    }

    /** Reads a request line; throws {@link BadRequest} (one line) for anything that is not a valid request. */
    public static Request<?> request(String line) {
        if (line.length() > MAX_REQUEST_BYTES) {
            throw new BadRequest("request too long (at most " + MAX_REQUEST_BYTES + " bytes)");
        }
        if (!(parse(line) instanceof Map<?, ?> map)) {
            throw new BadRequest("a request is one JSON object, e.g. {\"op\":\"status\"}");
        }
        Fields f = new Fields(map, "request");
        String op = f.str("op");
        Request<?> r = switch (op) {
            case "ping" -> new Request.Ping();
            case "features" -> new Request.Features();
            case "stop" -> new Request.Stop(f.has("handover") && f.bool("handover"), f.count("pid", 0, Integer.MAX_VALUE));
            case "origin" -> new Request.CreateOrigin(f.str("name"), f.str("path"), f.count("create", 0, Long.MAX_VALUE),
                    f.has("read_only") && f.bool("read_only"), devId(f));
            case "snapshot" -> new Request.CreateSnapshot(f.str("name"), f.str("origin"), f.str("cow"),
                    StoreType.parse(f.optStr("store", "P")), chunk(f.count("chunk", 0, Long.MAX_VALUE)),
                    f.count("create", 0, Long.MAX_VALUE), f.has("init") && f.bool("init"),
                    f.has("features") ? features(f.strings("features")) : Set.of(),
                    f.has("autoextend") ? autoextend(f.object("autoextend")) : null, f.has("read_only") && f.bool("read_only"), devId(f));
            case "extend" -> new Request.Extend(f.str("name"), f.count("size", 0, Long.MAX_VALUE), f.has("relative") && f.bool("relative"),
                    f.has("autoextend") ? autoextend(f.object("autoextend")) : null);
            case "load" -> new Request.Load(f.str("name"), f.str("table"));
            case "reload" -> new Request.Reload(f.str("name"), f.str("table"));
            case "merge" -> new Request.Merge(f.str("name"));
            case "remove" -> new Request.Remove(f.str("name"), f.has("force") && f.bool("force"));
            case "status" -> f.has("name") ? new Request.Status(f.str("name")) : new Request.StatusAll();
            case "activate" -> new Request.Activate(f.has("name") ? f.str("name") : null);
            case "stats" -> new Request.Stats(f.has("name") ? f.str("name") : null);
            default -> throw new BadRequest("unknown request '" + printable(op)
                    + "' (ping, features, origin, snapshot, extend, load, reload, merge, remove, status, stats, activate, stop)");
        };
        f.noOthers(op);
        return r;
    }

    /** Feature words, in the kernel's order. */
    private static List<String> features(Set<SnapshotFeature> features) {
        List<String> l = new ArrayList<>();
        for (SnapshotFeature x : SnapshotFeature.values()) {
            if (features.contains(x)) {
                l.add(x.word());
            }
        }
        return l;
    }

    private static Set<SnapshotFeature> features(List<String> words) {
        java.util.EnumSet<SnapshotFeature> set = java.util.EnumSet.noneOf(SnapshotFeature.class);
        for (String w : words) {
            try {
                set.add(SnapshotFeature.of(w));
            } catch (SnapshotException e) {
                throw new BadRequest(e.getMessage());
            }
        }
        try {
            return SnapshotFeature.check(set);
        } catch (SnapshotException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private static Map<String, Object> autoextend(Autoextend a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threshold", a.threshold());
        m.put("percent", a.percent());
        return m;
    }

    private static Autoextend autoextend(Fields f) {
        Autoextend a = new Autoextend((int) f.integer("threshold", 0, 1000), (int) f.integer("percent", 0, 100_000));
        f.noOthers("autoextend");
        return a;
    }

    /** The "id" field: a ublk device id, or -1 when absent. */
    private static int devId(Fields f) {
        return f.has("id") ? (int) f.count("id", 0, DevInfo.MAX_DEV_ID) : -1;
    }

    private static int chunk(long sectors) {
        if (sectors > ChunkSize.MAX_SECTORS) {
            ChunkSize.validate(sectors, 512); // refuses with the accepted range
        }
        return (int) sectors;
    }

    // -------------------------------------------------------------------------------------------
    // Replies

    public static String ok(Object result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("result", json(result));
        return write(m);
    }

    public static String error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return write(m);
    }

    /** Reads the answer to {@code r}: its result, or a {@link SnapshotException} with the daemon's error. */
    @SuppressWarnings("unchecked")
    public static <R> R reply(Request<R> r, String line) {
        Object v;
        try {
            v = parse(line);
        } catch (BadRequest e) {
            throw new SnapshotException("ublkd sent an answer that is not JSON: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new SnapshotException("ublkd sent an answer that is not a JSON object");
        }
        Fields f = new Fields(m, "answer");
        if (!Boolean.TRUE.equals(m.get("ok"))) {
            throw new SnapshotException(f.str("error"));
        }
        Object result = m.get("result");
        return (R) switch (r) {
            case Request.Ping x -> text(result);
            case Request.Remove x -> text(result);
            case Request.Stop x -> text(result);
            case Request.Features x -> features(map(result));
            case Request.CreateOrigin x -> device(map(result));
            case Request.CreateSnapshot x -> device(map(result));
            case Request.Extend x -> device(map(result));
            case Request.Load x -> device(map(result));
            case Request.Reload x -> device(map(result));
            case Request.Merge x -> device(map(result));
            case Request.Status x -> device(map(result));
            case Request.StatusAll x -> devices(result);
            case Request.Activate x -> devices(result);
            case Request.Stats x -> stats(result);
        };
    }

    private static String text(Object v) {
        if (!(v instanceof String s)) {
            throw new SnapshotException("ublkd sent an unexpected answer");
        }
        return s;
    }

    private static Fields map(Object v) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new SnapshotException("ublkd sent an unexpected answer (expected an object)");
        }
        return new Fields(m, "answer");
    }

    private static List<DeviceInfo> devices(Object v) {
        if (!(v instanceof List<?> l)) {
            throw new SnapshotException("ublkd sent an unexpected answer (expected a list)");
        }
        List<DeviceInfo> out = new ArrayList<>();
        for (Object o : l) {
            out.add(device(map(o)));
        }
        return out;
    }

    /** A result as JSON values (what {@code --json} prints). */
    public static Object json(Object result) {
        return switch (result) {
            case null -> null;
            case String s -> s;
            case DeviceInfo d -> device(d);
            case FeaturesInfo f -> features(f);
            case DeviceStats d -> stats(d);
            case List<?> l -> l.stream().map(Wire::json).toList();
            default -> throw new IllegalArgumentException("no JSON form for " + result.getClass().getSimpleName());
        };
    }

    private static List<DeviceStats> stats(Object v) {
        if (!(v instanceof List<?> l)) {
            throw new SnapshotException("ublkd sent an unexpected answer (expected a list)");
        }
        List<DeviceStats> out = new ArrayList<>();
        for (Object o : l) {
            Fields f = map(o);
            List<DeviceStats.RequestCount> counts = new ArrayList<>();
            for (Object c : f.list("requests")) {
                Fields k = map(c);
                counts.add(new DeviceStats.RequestCount(k.str("kind"), k.integer("requests", 0, Long.MAX_VALUE),
                        k.integer("service_ns", 0, Long.MAX_VALUE), k.integer("kernel_entries", 0, Long.MAX_VALUE),
                        k.integer("failed", 0, Long.MAX_VALUE)));
            }
            DeviceInfo.Role role = "origin".equals(f.str("role")) ? DeviceInfo.Role.ORIGIN : DeviceInfo.Role.SNAPSHOT;
            out.add(new DeviceStats(f.str("name"), role, f.optStr("device", null), counts));
        }
        return out;
    }

    /** A device's counters as JSON: name, role, device, requests [{kind, requests, service_ns, kernel_entries, failed}]. */
    public static Map<String, Object> stats(DeviceStats d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("role", d.role().text());
        m.put("device", d.device());
        List<Object> kinds = new ArrayList<>();
        for (DeviceStats.RequestCount c : d.requests()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("kind", c.kind());
            k.put("requests", c.requests());
            k.put("service_ns", c.serviceNanos());
            k.put("kernel_entries", c.kernelEntries());
            k.put("failed", c.failed());
            kinds.add(k);
        }
        m.put("requests", kinds);
        return m;
    }

    private static Map<String, Object> features(FeaturesInfo f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask", f.mask());
        m.put("names", f.names());
        m.put("encoding", f.encoding());
        return m;
    }

    private static FeaturesInfo features(Fields f) {
        return new FeaturesInfo(f.integer("mask", Long.MIN_VALUE, Long.MAX_VALUE), f.strings("names"), f.str("encoding"));
    }

    public static Map<String, Object> device(DeviceInfo d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("role", d.role().text());
        m.put("active", d.active());
        if (d.reason() != null) {
            m.put("reason", d.reason());
        }
        m.put("device", d.device());
        switch (d) {
            case OriginInfo o -> {
                m.put("backing", o.backing());
                m.put("sectors", o.sectors());
                m.put("target", DmText.target(o));
                m.put("table", o.active() ? DmText.table(o) : null);
                m.put("status", o.active() ? DmText.info(o) : null);
                if (o.merge() != null) {
                    m.put("merge", merge(o.merge()));
                }
                m.put("snapshots", o.snapshots());
                m.put("queues", o.queues());
                m.put("zero_copy", o.zeroCopy());
                m.put("batch_io", o.batchIo());
            }
            case SnapshotInfo s -> {
                m.put("origin", s.origin());
                m.put("origin_backing", s.originBacking());
                m.put("cow", s.cow());
                m.put("store", s.store().code());
                m.put("chunk_sectors", s.chunkSectors());
                m.put("sectors", s.sectors());
                m.put("table", s.active() ? DmText.table(s) : null);
                m.put("state", s.state().text());
                m.put("status", s.active() ? DmText.info(s) : null);
                m.put("valid", s.valid());
                m.put("overflow", s.overflow());
                m.put("exceptions", s.exceptions());
                m.put("pending", s.pending());
                if (s.usage() != null) {
                    m.put("allocated_sectors", s.usage().allocatedSectors());
                    m.put("total_sectors", s.usage().totalSectors());
                    m.put("metadata_sectors", s.usage().metadataSectors());
                    m.put("used_percent", round3(s.usage().usedPercent()));
                }
                if (s.merge() != null) {
                    m.put("merge", merge(s.merge()));
                }
                m.put("features", features(s.features()));
                if (s.autoextend() != null) {
                    m.put("autoextend", autoextend(s.autoextend()));
                }
            }
        }
        return m;
    }

    private static Map<String, Object> merge(MergeInfo mi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", mi.snapshot());
        m.put("state", mi.state().text());
        m.put("merged_chunks", mi.mergedChunks());
        m.put("total_chunks", mi.totalChunks());
        m.put("chunk_sectors", mi.chunkSectors());
        m.put("bytes_per_second", round3(mi.bytesPerSecond()));
        m.put("seconds_left", mi.secondsLeft());
        if (mi.error() != null) {
            m.put("error", mi.error());
        }
        m.put("cow", mi.cow());
        m.put("store", mi.store().code());
        m.put("cow_sectors", mi.cowSectors());
        return m;
    }

    private static double round3(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0.0;
    }

    public static DeviceInfo device(Fields f) {
        String role = f.str("role");
        boolean active = f.bool("active");
        String reason = f.optStr("reason", null);
        String device = f.optStr("device", null);
        String name = f.str("name");
        return switch (role) {
            case "origin" -> new OriginInfo(name, device, active, reason, f.str("backing"), f.integer("sectors", 0, Long.MAX_VALUE),
                    f.strings("snapshots"), f.has("merge") ? merge(f.object("merge")) : null,
                    (int) f.integer("queues", 0, Integer.MAX_VALUE), f.bool("zero_copy"),
                    f.has("batch_io") && f.bool("batch_io"));
            case "snapshot" -> new SnapshotInfo(name, device, active, reason, f.str("origin"), f.str("origin_backing"), f.str("cow"),
                    StoreType.parse(f.str("store")), (int) f.integer("chunk_sectors", 0, ChunkSize.MAX_SECTORS),
                    f.integer("sectors", 0, Long.MAX_VALUE), state(f.str("state")), f.bool("valid"), f.bool("overflow"),
                    f.integer("exceptions", 0, Long.MAX_VALUE), f.integer("pending", 0, Long.MAX_VALUE),
                    f.has("total_sectors") ? new Usage(f.integer("allocated_sectors", 0, Long.MAX_VALUE),
                            f.integer("total_sectors", 0, Long.MAX_VALUE), f.integer("metadata_sectors", 0, Long.MAX_VALUE)) : null,
                    f.has("merge") ? merge(f.object("merge")) : null,
                    f.has("features") ? features(f.strings("features")) : Set.of(),
                    f.has("autoextend") ? autoextend(f.object("autoextend")) : null);
            default -> throw new SnapshotException("ublkd sent a device of unknown role '" + printable(role) + "'");
        };
    }

    private static SnapshotState state(String s) {
        try {
            return SnapshotState.of(s);
        } catch (IllegalArgumentException e) {
            throw new SnapshotException("ublkd sent an unknown snapshot state '" + printable(s) + "'");
        }
    }

    private static MergeInfo merge(Fields f) {
        MergeState state;
        try {
            state = MergeState.of(f.str("state"));
        } catch (IllegalArgumentException e) {
            throw new SnapshotException("ublkd sent an unknown merge state");
        }
        return new MergeInfo(f.str("snapshot"), state, f.integer("merged_chunks", 0, Long.MAX_VALUE),
                f.integer("total_chunks", 0, Long.MAX_VALUE), (int) f.integer("chunk_sectors", 0, ChunkSize.MAX_SECTORS),
                f.real("bytes_per_second"), f.integer("seconds_left", -1, Long.MAX_VALUE), f.optStr("error", null),
                f.str("cow"), StoreType.parse(f.str("store")), f.integer("cow_sectors", 0, Long.MAX_VALUE));
    }

    /** Quotes a string from a request for a message: printable ASCII only, at most 64 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** Typed, checked access to the fields of a JSON object; remembers which were read. */
    public static final class Fields {
        private final Map<?, ?> m;
        private final String what;
        private final Set<Object> used = new HashSet<>();

        Fields(Map<?, ?> m, String what) {
            this.m = m;
            this.what = what;
        }

        private SnapshotException bad(String message) {
            return what.equals("request") ? new BadRequest(message) : new SnapshotException("ublkd sent a bad answer: " + message);
        }

        boolean has(String key) {
            used.add(key);
            return m.get(key) != null;
        }

        String str(String key) {
            used.add(key);
            Object v = m.get(key);
            if (!(v instanceof String s) || s.isEmpty()) {
                throw bad(what + " lacks the text field '" + key + "'");
            }
            if (s.length() > MAX_STRING) {
                throw bad("field '" + key + "' is too long (at most " + MAX_STRING + " characters)");
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
                    throw bad("field '" + key + "' contains a control character");
                }
            }
            return s;
        }

        String optStr(String key, String dflt) {
            return has(key) ? str(key) : dflt;
        }

        boolean bool(String key) {
            used.add(key);
            if (!(m.get(key) instanceof Boolean b)) {
                throw bad(what + " lacks the true/false field '" + key + "'");
            }
            return b;
        }

        /** A whole number in [min, max]. */
        long integer(String key, long min, long max) {
            used.add(key);
            Object v = m.get(key);
            long n;
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                n = ((Number) v).longValue();
            } else if (v instanceof BigInteger) {
                throw bad("field '" + key + "' is out of range (" + min + " to " + max + ")");
            } else {
                throw bad(what + " lacks the whole-number field '" + key + "'");
            }
            if (n < min || n > max) {
                throw bad("field '" + key + "' is out of range (" + min + " to " + max + ")");
            }
            return n;
        }

        /** An optional count (a whole number >= min). */
        long count(String key, long min, long max) {
            return has(key) ? integer(key, min, max) : min;
        }

        double real(String key) {
            used.add(key);
            if (!(m.get(key) instanceof Number n)) {
                throw bad(what + " lacks the number field '" + key + "'");
            }
            return n.doubleValue();
        }

        List<String> strings(String key) {
            used.add(key);
            if (!(m.get(key) instanceof List<?> l)) {
                throw bad(what + " lacks the list field '" + key + "'");
            }
            List<String> out = new ArrayList<>();
            for (Object o : l) {
                if (!(o instanceof String s)) {
                    throw bad("field '" + key + "' must be a list of text");
                }
                out.add(s);
            }
            return out;
        }

        List<?> list(String key) {
            used.add(key);
            if (!(m.get(key) instanceof List<?> l)) {
                throw bad(what + " lacks the list field '" + key + "'");
            }
            return l;
        }

        Fields object(String key) {
            used.add(key);
            if (!(m.get(key) instanceof Map<?, ?> o)) {
                throw bad(what + " lacks the object field '" + key + "'");
            }
            return new Fields(o, what);
        }

        /** Refuses fields nobody read (a typo, or a field of another request). */
        void noOthers(String op) {
            for (Object k : m.keySet()) {
                if (!used.contains(k)) {
                    throw bad("request '" + op + "' has no field '" + printable(String.valueOf(k)) + "'");
                }
            }
        }
    }
}
