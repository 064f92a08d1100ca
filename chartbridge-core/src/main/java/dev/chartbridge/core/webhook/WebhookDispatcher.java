package dev.chartbridge.core.webhook;

import dev.chartbridge.core.delivery.Backoff;
import dev.chartbridge.core.delivery.DaemonThreads;
import dev.chartbridge.core.store.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers queued webhook notices, one node of many: claims due deliveries with {@code FOR UPDATE SKIP LOCKED}
 * and a lease, POSTs each payload signed ({@link WebhookSigner}) with a {@code ChartBridge-Delivery} header, and
 * records every attempt. A 2xx answer is delivered; anything else (another status, a timeout, a refused
 * connection) is retried with exponential backoff and full jitter until {@code maxAttempts}, then given up (kept).
 * Redirects are not followed. A node that dies mid-attempt lets the lease pass; the delivery is attempted again,
 * so a receiver may see one notice twice and should de-duplicate on its {@code id}.
 *
 * <p>Thread-safe. {@link #close()} stops claiming and waits briefly for attempts in flight.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int WORKERS = 4;
    /** Names the delivery (one notice to one webhook); the same on every attempt. */
    public static final String DELIVERY_HEADER = "ChartBridge-Delivery";

    private final WebhookDeliveryStore store;
    private final Webhooks webhooks;
    private final WebhookPolicy policy;
    private final HttpClient http;
    private final Semaphore free = new Semaphore(WORKERS);
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS,
            DaemonThreads.named("webhook-sender"));
    private final Thread poller = DaemonThreads.of(this::pollLoop, "webhook-poller");
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile io.micrometer.core.instrument.MeterRegistry meters;

    public WebhookDispatcher(Jdbc jdbc, Webhooks webhooks, WebhookPolicy policy, String node) {
        this.store = new WebhookDeliveryStore(jdbc, node);
        this.webhooks = webhooks;
        this.policy = policy;
        this.http = HttpClient.newBuilder().connectTimeout(policy.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Counts each attempt by outcome ({@code chartbridge_webhook_deliveries_total}) in {@code registry}. */
    public WebhookDispatcher countedIn(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meters = registry;
        return this;
    }

    public void start() {
        if (running.compareAndSet(false, true)) {
            poller.start();
        }
    }

    private void pollLoop() {
        while (running.get()) {
            try {
                int room = free.availablePermits();
                List<WebhookDeliveryStore.Claimed> claimed = room == 0 ? List.of() : store.claim(room, policy.lease());
                for (WebhookDeliveryStore.Claimed d : claimed) {
                    free.acquireUninterruptibly();
                    workers.execute(() -> {
                        try {
                            attempt(d);
                        } catch (RuntimeException e) {
                            LOG.error("webhook delivery {} failed ({}); its lease will expire", d.id(),
                                    e.getClass().getSimpleName());
                        } finally {
                            free.release();
                        }
                    });
                }
                if (claimed.isEmpty()) {
                    Thread.sleep(policy.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("claiming webhook deliveries failed ({}); retrying", e.getClass().getSimpleName());
                sleep(policy.pollInterval().multipliedBy(10));
            }
        }
    }

    private void attempt(WebhookDeliveryStore.Claimed d) {
        Instant started = Instant.now();
        Integer status = null;
        String error = null;
        Optional<String> secret = webhooks.secret(d.webhookId());
        if (secret.isEmpty()) {
            error = "no signing secret stored for the webhook";
        } else {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(d.url())).timeout(policy.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "ChartBridge-Webhooks/1")
                        .header(DELIVERY_HEADER, d.id().toString())
                        .header(WebhookSigner.HEADER, WebhookSigner.header(secret.get(),
                                Instant.now().getEpochSecond(), d.payload()))
                        .POST(HttpRequest.BodyPublishers.ofString(d.payload())).build();
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 != 2) {
                    error = "HTTP " + status;
                }
            } catch (java.io.IOException | IllegalArgumentException e) {
                error = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down: the lease passes and the delivery is attempted again
            }
        }
        long millis = Duration.between(started, Instant.now()).toMillis();
        int attempts = d.attempts() + 1;
        String state = error == null ? "DELIVERED" : attempts >= policy.maxAttempts() ? "GAVE_UP" : "PENDING";
        Instant due = "PENDING".equals(state)
                ? Instant.now().plus(Backoff.fullJitter(policy.baseDelay(), policy.maxDelay(), attempts)) : null;
        io.micrometer.core.instrument.MeterRegistry registry = meters;
        if (registry != null) {
            io.micrometer.core.instrument.Counter.builder("chartbridge.webhook.deliveries")
                    .description("Webhook delivery attempts by outcome (delivered, failed and retrying, gave-up)")
                    .tag("tenant", d.tenantId()).tag("outcome", "DELIVERED".equals(state) ? "delivered"
                            : "GAVE_UP".equals(state) ? "gave-up" : "failed")
                    .register(registry).increment();
        }
        if (!store.record(d, new WebhookDeliveryStore.Attempt(started, millis, status, error, state, due))) {
            LOG.warn("webhook delivery {} changed while attempted (lease lost or cancelled)", d.id());
        } else if (!"DELIVERED".equals(state)) {
            LOG.info("webhook delivery {} attempt {} failed ({}); {}", d.id(), attempts, error, state);
        }
    }

    @Override
    public void close() {
        running.set(false);
        poller.interrupt();
        workers.shutdown();
        try {
            poller.join(2_000);
            if (!workers.awaitTermination(policy.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
