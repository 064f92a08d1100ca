package dev.chartbridge.app.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API's routes, each with the {@link Access} it needs, enforced here and nowhere else: a request whose key lacks
 * every role the route names is answered 403 problem+json before the route's handler runs (the handler finds the
 * authenticated caller through {@link RequestAuth#authenticate}). A method a path does not take is answered 405
 * problem+json with {@code Allow} (RFC 9110 section 15.5.6) instead of a 404 that would say the path does not
 * exist. Not thread-safe while filled: filled and installed once while the server is configured.
 */
final class RouteTable {
    /** The methods answered 405 on a path that does not take them (HEAD and OPTIONS are left to the server). */
    private static final List<HandlerType> CHECKED = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);

    /** A registered route and who may call it. */
    record Route(HandlerType method, String path, Access access) {
    }

    private final RoutesConfig routes;
    private final RequestAuth auth;
    private final Map<String, Set<HandlerType>> methods = new LinkedHashMap<>();
    private final List<Route> registered = new ArrayList<>();

    RouteTable(RoutesConfig routes, RequestAuth auth) {
        this.routes = routes;
        this.auth = auth;
    }

    RouteTable add(HandlerType method, String path, Access access, Handler handler) {
        routes.addHttpHandler(method, path, access.open() ? handler : ctx -> {
            if (auth.authorize(ctx, access).isPresent()) {
                handler.handle(ctx);
            }
        });
        methods.computeIfAbsent(path, p -> new java.util.LinkedHashSet<>()).add(method);
        registered.add(new Route(method, path, access));
        return this;
    }

    RouteTable get(String path, Access access, Handler handler) {
        return add(HandlerType.GET, path, access, handler);
    }

    RouteTable post(String path, Access access, Handler handler) {
        return add(HandlerType.POST, path, access, handler);
    }

    /** Every route added, in order. */
    List<Route> routes() {
        return List.copyOf(registered);
    }

    /** Each path and the methods it takes, as added (the 405 answers not counted): what the API serves. */
    Map<String, Set<String>> taken() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        methods.forEach((path, taken) -> out.put(path, taken.stream().map(HandlerType::name)
                .collect(Collectors.toCollection(java.util.TreeSet::new))));
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Registers, on every path, a 405 for each checked method it does not take. Call once, after every add. */
    void answerOtherMethods() {
        methods.forEach((path, taken) -> {
            String allow = taken.stream().map(HandlerType::name).collect(Collectors.joining(", "));
            for (HandlerType m : CHECKED) {
                if (!taken.contains(m)) {
                    routes.addHttpHandler(m, path, ctx -> {
                        ctx.header("Allow", allow);
                        Responses.problem(ctx, Problem.of(405, "method-not-allowed", "Method not allowed",
                                ctx.method().name() + " is not allowed here; allowed: " + allow));
                    });
                }
            }
        });
    }
}
