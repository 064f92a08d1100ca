package dev.chartbridge.app;

import dev.chartbridge.app.config.GatewayConfig;
import dev.chartbridge.core.adapter.Target;
import dev.chartbridge.core.adapter.Targets;
import dev.chartbridge.core.delivery.ReadBackPolicy;
import dev.chartbridge.core.delivery.ReadBackWatcher;
import dev.chartbridge.core.store.Jdbc;
import dev.chartbridge.core.webhook.WebhookDispatcher;
import dev.chartbridge.core.webhook.WebhookPolicy;
import dev.chartbridge.core.webhook.Webhooks;
import dev.chartbridge.ehr.profile.VendorProfile;
import dev.chartbridge.ehr.profile.VendorProfiles;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a node runs besides the delivery engine once writes have landed: the webhook dispatcher and (unless turned
 * off) read-back watching, paced inside each vendor's documented rate budget. Started and stopped with the
 * {@link Gateway}. Thread-safe.
 */
final class PostWriteServices implements AutoCloseable {
    /** Share of a vendor's documented calls per minute that re-reads may use; the rest is left for writes. */
    private static final int RATE_SHARE_DIVISOR = 4;
    private static final int DEFAULT_READS_PER_MINUTE = 60;

    private final WebhookDispatcher dispatcher;
    private final ReadBackWatcher watcher;

    PostWriteServices(Jdbc jdbc, Webhooks webhooks, Targets targets, GatewayConfig config, String node,
                      io.micrometer.core.instrument.MeterRegistry registry) {
        this.dispatcher = new WebhookDispatcher(jdbc, webhooks, webhookPolicy(config.webhooks()), node)
                .countedIn(registry);
        GatewayConfig.ReadBackConfig rb = Optional.ofNullable(config.readBack())
                .orElse(new GatewayConfig.ReadBackConfig(null, null, null, null));
        this.watcher = Boolean.FALSE.equals(rb.enabled()) ? null
                : new ReadBackWatcher(jdbc, targets, readBackPolicy(rb, targets), node);
    }

    void start() {
        dispatcher.start();
        if (watcher != null) {
            watcher.start();
        }
    }

    static WebhookPolicy webhookPolicy(GatewayConfig.WebhookConfig w) {
        WebhookPolicy p = WebhookPolicy.defaults();
        if (w == null) {
            return p;
        }
        return new WebhookPolicy(w.maxAttempts() != null ? w.maxAttempts() : p.maxAttempts(),
                w.baseDelayMs() != null ? Duration.ofMillis(w.baseDelayMs()) : p.baseDelay(),
                w.maxDelayMs() != null ? Duration.ofMillis(w.maxDelayMs()) : p.maxDelay(),
                w.timeoutMs() != null ? Duration.ofMillis(w.timeoutMs()) : p.timeout(), p.lease(), p.pollInterval());
    }

    /**
     * Each target's re-reads per minute: the configured number, but never more than a quarter of the calls per
     * minute the vendor documents (AdvancedMD's 12 leave 3; eClinicalWorks' 250 leave 62).
     */
    static ReadBackPolicy readBackPolicy(GatewayConfig.ReadBackConfig rb, Targets targets) {
        int configured = rb.readsPerMinute() != null ? rb.readsPerMinute() : DEFAULT_READS_PER_MINUTE;
        Map<String, Integer> perQueue = new HashMap<>();
        for (Target t : targets.all()) {
            VendorProfile.RateLimit limit = VendorProfiles.of(t.adapter().vendor()).rateLimit();
            perQueue.put(t.queue(), limit.callsPerMinute() == null ? configured
                    : Math.min(configured, Math.max(1, limit.callsPerMinute() / RATE_SHARE_DIVISOR)));
        }
        return new ReadBackPolicy(Duration.ofMillis(rb.intervalMs() != null ? rb.intervalMs() : 3_600_000L),
                Duration.ofMillis(rb.pollIntervalMs() != null ? rb.pollIntervalMs() : 1_000L), configured, perQueue);
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        dispatcher.close();
    }
}
