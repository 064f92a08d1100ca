package dev.chartbridge.core.webhook;

import dev.chartbridge.core.common.Backoff;
import dev.chartbridge.core.common.DaemonThreads;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.trace.Traces;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Delivers queued webhook notices, one node of many: claims due deliveries with {@code FOR UPDATE SKIP LOCKED}
 * and a lease, checks the receiver's addresses again ({@link ReceiverAddressPolicy}) and POSTs to exactly those
 * ({@link ReceiverPost}), signed the Standard Webhooks way ({@link WebhookSigner}), and records every attempt with
 * a coarse error class ({@link #TIMEOUT}, {@link #HTTP_STATUS}, {@link #DELIVERY_FAILED}). A 2xx answer is
 * delivered; anything else is retried with exponential backoff and full jitter until {@code maxAttempts}, then
 * given up (kept). Redirects are not followed (a 3xx is a failed attempt). A node that dies mid-attempt lets the lease pass; the delivery is attempted again,
 * so a receiver may see one message twice and should de-duplicate on its {@code webhook-id}.
 *
 * <p>Thread-safe. {@link #close()} stops claiming and waits briefly for attempts in flight.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int WORKERS = 4;
    /** Names the delivery (one notice to one webhook); the same on every attempt. */
    public static final String DELIVERY_HEADER = "ChartBridge-Delivery";
    /** An attempt's error class: no answer within the policy's timeout. */
    public static final String TIMEOUT = "timeout";
    /** An attempt's error class: an answer other than 2xx (its status is recorded beside it). */
    public static final String HTTP_STATUS = "http-status";
    /**
     * An attempt's error class for everything else: refused by the address policy, name not resolved, connection
     * refused or reset, TLS failed, no secret. One class on purpose: finer kinds would let a tenant map the
     * gateway's network through the deliveries API.
     */
    public static final String DELIVERY_FAILED = "delivery-failed";

    private final WebhookDeliveryStore store;
    private final Webhooks webhooks;
    private final WebhookPolicy policy;
    private final ReceiverPost post;
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
        this.post = new ReceiverPost(defaultTls());
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

    /** One attempt in a client span of the trace the event was accepted under, carried as {@code traceparent}. */
    private void attempt(WebhookDeliveryStore.Claimed d) {
        Span span = Traces.start("chartbridge.webhook.deliver", SpanKind.CLIENT,
                Traces.parent(store.traceparent(d.eventId())));
        span.setAttribute("chartbridge.webhook.delivery", d.id().toString());
        try (Scope ignored = span.makeCurrent()) {
            attemptInSpan(d);
        } finally {
            span.end();
        }
    }

    private void attemptInSpan(WebhookDeliveryStore.Claimed d) {
        Instant started = Instant.now();
        Integer status = null;
        String error = null;
        Optional<String> secret = webhooks.secret(d.webhookId());
        if (secret.isEmpty()) {
            LOG.warn("webhook delivery {}: no signing secret stored for the webhook", d.id());
            error = DELIVERY_FAILED;
        } else {
            try {
                URI url = URI.create(d.url());
                // Checked again now, on the addresses connected to: the name may resolve elsewhere than at
                // registration (DNS rebinding), or the allowlist may have shrunk.
                List<InetAddress> addresses = webhooks.addresses().check(url);
                long now = Instant.now().getEpochSecond();
                String messageId = d.messageId().toString();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                headers.put("User-Agent", "ChartBridge-Webhooks/1");
                headers.put(WebhookSigner.ID_HEADER, messageId);
                headers.put(WebhookSigner.TIMESTAMP_HEADER, String.valueOf(now));
                headers.put(WebhookSigner.SIGNATURE_HEADER,
                        WebhookSigner.signature(secret.get(), messageId, now, d.payload()));
                headers.put(DELIVERY_HEADER, d.id().toString());
                headers.put(WebhookSigner.HEADER, WebhookSigner.legacyHeader(secret.get(), now, d.payload()));
                // The trace the event was accepted under (issue #14): not signed, a receiver may ignore it.
                Traces.inject(headers::put);
                ReceiverPost.Outcome outcome = post.post(url, addresses, headers,
                        d.payload().getBytes(StandardCharsets.UTF_8), policy.timeout());
                status = outcome.status();
                if (outcome.timedOut()) {
                    error = TIMEOUT;
                } else if (status / 100 != 2) {
                    error = HTTP_STATUS;
                }
            } catch (ReceiverAddressPolicy.Refused e) {
                // The operator's log says why; the tenant sees the coarse class only (no address probing).
                LOG.warn("webhook delivery {} refused: {}", d.id(), e.getMessage());
                error = DELIVERY_FAILED;
            } catch (IOException | IllegalArgumentException e) {
                LOG.info("webhook delivery {} could not be made ({})", d.id(), e.getClass().getSimpleName());
                error = DELIVERY_FAILED;
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

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
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
