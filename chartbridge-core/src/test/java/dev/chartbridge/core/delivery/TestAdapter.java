package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.Exchange;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.UpdateContext;
import dev.chartbridge.core.adapter.UpdateOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A test implementation of the adapter SPI with an EHR of its own: a map of records by operation key. By default
 * a send creates the record, a search finds it by key, a read-back verifies it; each step can be scripted. Counts
 * every call. Thread-safe.
 */
final class TestAdapter implements EhrAdapter {
    /** The EHR: record id by the operation key stamped on it, and the records marked entered-in-error. */
    final Map<String, String> records = new ConcurrentHashMap<>();
    final Map<String, Boolean> enteredInError = new ConcurrentHashMap<>();
    final AtomicInteger sends = new AtomicInteger();
    /** Records created, one per create that reached the EHR: a resend of a landed write would add one. */
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger finds = new AtomicInteger();
    final AtomicInteger verifies = new AtomicInteger();
    final AtomicInteger updates = new AtomicInteger();
    volatile Function<WriteContext, SendOutcome> onSend = this::create;
    volatile Function<WriteContext, FindOutcome> onFind = this::lookUp;
    volatile Function<WriteContext, VerifyOutcome> onVerify = w -> new VerifyOutcome.Verified(exchange(200));

    static Exchange exchange(int status) {
        return new Exchange("POST /test", "digest", status);
    }

    static SendOutcome.Retryable unavailable() {
        return new SendOutcome.Retryable(null, VendorError.of(ErrorClass.TRANSIENT, "HTTP 503"), exchange(503));
    }

    static SendOutcome.Retryable noToken() {
        return new SendOutcome.Retryable(null, VendorError.of(ErrorClass.AUTH, "token endpoint refused"),
                Exchange.none(), true);
    }

    static SendOutcome rejected() {
        return new SendOutcome.Rejected(VendorError.of(ErrorClass.INVALID, "HTTP 422"), exchange(422));
    }

    /** What a real EHR does with a send: keeps the record. */
    SendOutcome create(WriteContext w) {
        created.incrementAndGet();
        String id = records.computeIfAbsent(w.operationKey(), k -> "r" + records.size());
        return new SendOutcome.Created(new RemoteRef(w.resourceType(), id, "1"), exchange(201));
    }

    @Override
    public String vendor() {
        return "test";
    }

    @Override
    public WritePlan plan(ClinicalEvent event) {
        return WritePlan.of(List.of("DocumentReference"));
    }

    @Override
    public SendOutcome send(WriteContext write) {
        sends.incrementAndGet();
        return onSend.apply(write);
    }

    @Override
    public RenderOutcome render(WriteContext write) {
        return new RenderOutcome.NotRendered(rejected());
    }

    @Override
    public FindOutcome find(WriteContext write) {
        finds.incrementAndGet();
        return onFind.apply(write);
    }

    /** What a real EHR's search by the stamped identity answers. */
    FindOutcome lookUp(WriteContext write) {
        String id = records.get(write.operationKey());
        return id == null ? new FindOutcome.Absent(exchange(200))
                : new FindOutcome.Found(new RemoteRef(write.resourceType(), id, "1"), exchange(200));
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        verifies.incrementAndGet();
        return onVerify.apply(write);
    }

    @Override
    public ReadBack readBack(WriteContext write) {
        return new ReadBack.Present("1", "current", "f", exchange(200));
    }

    @Override
    public WritePlan planUpdate(ClinicalEvent amendment) {
        return WritePlan.of(List.of("DocumentReference"));
    }

    @Override
    public UpdateOutcome update(UpdateContext update) {
        updates.incrementAndGet();
        if (update.intent() == UpdateContext.Intent.ENTERED_IN_ERROR) {
            enteredInError.put(update.remote().id(), true);
        }
        return new UpdateOutcome.Sent(new SendOutcome.Created(update.remote(), exchange(200)));
    }

    @Override
    public VerifyOutcome verifyUpdate(UpdateContext update) {
        return new VerifyOutcome.Verified(exchange(200));
    }
}
