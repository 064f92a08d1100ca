package dev.chartbridge.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A minimal EHR for benchmarks, run in a process of its own so that a benchmark measures the gateway and not the
 * EHR: {@code java -cp ... dev.chartbridge.bench.EhrStubMain [--port N] [--latency-ms N]}. It parses no FHIR: every
 * answer is a fixed text with the request's type, id or identifier put in. What the generic FHIR R4 adapter's
 * delivery path sends, with verification off, and what FHIR R4 (http.html) says to answer:
 * <ul>
 *   <li>{@code POST /fhir/{Type}} (a create, conditional on {@code If-None-Exist} or not): 201 with
 *   {@code Location: <base>/{Type}/<id>/_history/1} and {@code ETag: W/"1"}; no body when the request says
 *   {@code Prefer: return=minimal}, else {@code {"resourceType":Type,"id":id,"meta":{"versionId":"1"}}}. Every
 *   create is new: the gateway's write identifiers never repeat in a benchmark, so no If-None-Exist match exists.</li>
 *   <li>{@code GET /fhir/Patient?identifier=system|value}: a searchset with one Patient {@code pat-<value>} with
 *   that identifier (the adapter's patient lookup needs exactly one match).</li>
 *   <li>{@code GET /fhir/Encounter?identifier=system|V<mrn>}: one in-progress Encounter {@code enc-<mrn>} of
 *   {@code Patient/pat-<mrn>}, as the simulators' generated population pairs visits and patients
 *   ({@code SeedData.population}); the adapter checks the encounter's subject is the patient it resolved.</li>
 *   <li>any other search: an empty searchset (the search for an earlier copy after an unknown outcome).</li>
 *   <li>{@code GET /fhir/metadata}: a minimal R4 CapabilityStatement (the connection check reads
 *   {@code fhirVersion}).</li>
 *   <li>anything else (a read, an update): 404 with an OperationOutcome; verification is off in these runs.</li>
 * </ul>
 * Every answer waits {@code --latency-ms} first (a sleeping thread: no CPU), and nothing else: the JDK's HTTP server
 * writes an answer's headers and its body apart and, unless told otherwise ({@code sun.net.httpserver.nodelay},
 * set here), lets the socket hold the body back until the client acknowledges the headers, which a client delays by
 * up to 40 ms (TCP's delayed acknowledgement); every answer took about 44 ms so until issue #17's last session. {@code GET /_stub/stats} answers the
 * request counts; {@code POST /_stub/reset} zeroes them; {@code POST /_stub/latency?ms=N} changes the latency.
 * Prints {@code EHR stub <base URL>} once listening.
 */
public final class EhrStubMain {
    static final String READY = "EHR stub ";
    private static final String CAPABILITIES = "{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\","
            + "\"date\":\"2026-01-01\",\"kind\":\"instance\",\"software\":{\"name\":\"ChartBridge bench EHR stub\"},"
            + "\"fhirVersion\":\"4.0.1\",\"format\":[\"json\"],\"rest\":[{\"mode\":\"server\",\"resource\":["
            + "{\"type\":\"Patient\",\"interaction\":[{\"code\":\"search-type\"}],"
            + "\"searchParam\":[{\"name\":\"identifier\",\"type\":\"token\"}]},"
            + "{\"type\":\"Encounter\",\"interaction\":[{\"code\":\"search-type\"}],"
            + "\"searchParam\":[{\"name\":\"identifier\",\"type\":\"token\"},"
            + "{\"name\":\"patient\",\"type\":\"reference\"}]},"
            + "{\"type\":\"Observation\",\"interaction\":[{\"code\":\"create\"},{\"code\":\"search-type\"}],"
            + "\"conditionalCreate\":true}]}]}";
    private static final String NOT_FOUND = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"not-found\",\"diagnostics\":\"the bench EHR stub answers creates and searches only\"}]}";

    private final String base;
    private volatile long latencyMs;
    private final AtomicLong ids = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder creates = new LongAdder();
    private final LongAdder searches = new LongAdder();
    private final LongAdder other = new LongAdder();

    private EhrStubMain(String base, long latencyMs) {
        this.base = base;
        this.latencyMs = latencyMs;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int port = Integer.parseInt(options.getOrDefault("port", "0"));
        long latency = Long.parseLong(options.getOrDefault("latency-ms", "0"));
        // Read once by the server's configuration, before the first server is made: no 40 ms wait per answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir";
        EhrStubMain stub = new EhrStubMain(base, latency);
        server.createContext("/fhir", stub::fhir);
        server.createContext("/_stub", stub::control);
        // A thread per request in flight: a request waiting out the latency sleeps, so threads, not CPU, are spent.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        System.out.println(READY + base);
        System.out.flush();
    }

    private void fhir(HttpExchange x) throws IOException {
        try (x) {
            drain(x.getRequestBody());
            requests.increment();
            sleep(latencyMs);
            String path = x.getRequestURI().getPath().substring("/fhir".length()).replaceAll("^/+|/+$", "");
            String method = x.getRequestMethod();
            if (method.equals("POST") && path.matches("[A-Za-z]+")) {
                creates.increment();
                create(x, path);
            } else if (method.equals("GET") && path.equals("metadata")) {
                other.increment();
                send(x, 200, CAPABILITIES);
            } else if (method.equals("GET") && path.matches("[A-Za-z]+")) {
                searches.increment();
                send(x, 200, search(path, query(x.getRequestURI().getRawQuery())));
            } else {
                other.increment();
                send(x, 404, NOT_FOUND);
            }
        }
    }

    private void create(HttpExchange x, String type) throws IOException {
        String id = "stub-" + ids.incrementAndGet();
        x.getResponseHeaders().set("Location", base + "/" + type + "/" + id + "/_history/1");
        x.getResponseHeaders().set("ETag", "W/\"1\"");
        String prefer = x.getRequestHeaders().getFirst("Prefer");
        if (prefer != null && prefer.contains("return=minimal")) {
            x.sendResponseHeaders(201, -1);
            return;
        }
        send(x, 201, "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\",\"meta\":{\"versionId\":\"1\"}}");
    }

    /** The searchset of a search by {@code identifier=system|value}; empty unless a Patient or Encounter. */
    private String search(String type, Map<String, String> params) {
        String identifier = params.get("identifier");
        int bar = identifier == null ? -1 : identifier.indexOf('|');
        String entry = null;
        if (bar > 0) {
            String system = json(identifier.substring(0, bar));
            String value = identifier.substring(bar + 1);
            String ident = "\"identifier\":[{\"system\":\"" + system + "\",\"value\":\"" + json(value) + "\"}]";
            if (type.equals("Patient") && value.matches("[A-Za-z0-9.-]{1,60}")) {
                entry = "{\"resourceType\":\"Patient\",\"id\":\"pat-" + value + "\"," + ident + "}";
            } else if (type.equals("Encounter") && value.matches("V[0-9]{1,60}")) {
                String mrn = value.substring(1);
                entry = "{\"resourceType\":\"Encounter\",\"id\":\"enc-" + mrn + "\"," + ident
                        + ",\"status\":\"in-progress\",\"class\":{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},"
                        + "\"subject\":{\"reference\":\"Patient/pat-" + mrn + "\"}}";
            }
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":" + (entry == null ? 0 : 1)
                + (entry == null ? "" : ",\"entry\":[{\"resource\":" + entry + ",\"search\":{\"mode\":\"match\"}}]")
                + "}";
    }

    private void control(HttpExchange x) throws IOException {
        try (x) {
            drain(x.getRequestBody());
            String path = x.getRequestURI().getPath();
            if (path.equals("/_stub/stats")) {
                send(x, 200, "{\"requests\":" + requests.sum() + ",\"creates\":" + creates.sum() + ",\"searches\":"
                        + searches.sum() + ",\"other\":" + other.sum() + ",\"latencyMs\":" + latencyMs + "}");
            } else if (path.equals("/_stub/reset") && x.getRequestMethod().equals("POST")) {
                requests.reset();
                creates.reset();
                searches.reset();
                other.reset();
                x.sendResponseHeaders(204, -1);
            } else if (path.equals("/_stub/latency") && x.getRequestMethod().equals("POST")) {
                latencyMs = Long.parseLong(query(x.getRequestURI().getRawQuery()).getOrDefault("ms", "0"));
                x.sendResponseHeaders(204, -1);
            } else {
                send(x, 404, NOT_FOUND);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** The text as the inside of a JSON string (identifiers are plain, but a quote must not break the answer). */
    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/fhir+json;charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
