package dev.chartbridge.core.intake;

import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;

import java.util.List;

/**
 * A test adapter for intake alone: it plans one write per event and is never asked to deliver (these tests run
 * no delivery engine). Stateless.
 */
final class PlanOnlyAdapter implements EhrAdapter {
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
        throw new UnsupportedOperationException("intake tests deliver nothing");
    }

    @Override
    public RenderOutcome render(WriteContext write) {
        throw new UnsupportedOperationException("intake tests deliver nothing");
    }

    @Override
    public FindOutcome find(WriteContext write) {
        throw new UnsupportedOperationException("intake tests deliver nothing");
    }

    @Override
    public VerifyOutcome verify(WriteContext write) {
        throw new UnsupportedOperationException("intake tests deliver nothing");
    }

    @Override
    public ReadBack readBack(WriteContext write) {
        throw new UnsupportedOperationException("intake tests deliver nothing");
    }
}
