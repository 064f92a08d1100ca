package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.EhrAdapter;
import dev.chartbridge.core.adapter.ErrorClass;
import dev.chartbridge.core.adapter.FindOutcome;
import dev.chartbridge.core.adapter.ProvenanceContext.DescribedWrite;
import dev.chartbridge.core.adapter.ProvenanceContext;
import dev.chartbridge.core.adapter.ProvenanceWriter;
import dev.chartbridge.core.adapter.ReadBack;
import dev.chartbridge.core.adapter.RemoteRef;
import dev.chartbridge.core.adapter.RenderOutcome;
import dev.chartbridge.core.adapter.SendOutcome;
import dev.chartbridge.core.adapter.VendorError;
import dev.chartbridge.core.adapter.VerifyOutcome;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.adapter.WritePlan;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.OperationState;
import dev.chartbridge.core.store.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one thing a Provenance operation needs beyond an ordinary write: the records it describes. Before a step of
 * such an operation the engine reads the other writes of the same event and target from the ledger, with the id
 * and the version the gateway wrote (the version before any change read-back saw), and runs the step through the
 * adapter's {@link ProvenanceWriter}. A Provenance is sent only when every write it describes is in the EHR: one
 * that is not (in review, or not yet written) sends it to review, one that never will be (rejected, dead,
 * discarded) ends it rejected; a reference is never invented. Patient order has already run the described writes
 * first (they are earlier parts of the same line). Thread-safe.
 */
final class ProvenanceSteps {
    /** Why a Provenance operation may not take its next step: where it goes instead, and why. */
    record Hold(OperationState to, VendorError error, String detail) {
    }

    /** The adapter to run the operation with, or the hold that stops it. */
    record Prepared(EhrAdapter adapter, Hold hold) {
    }

    private final Jdbc jdbc;

    ProvenanceSteps(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    static boolean describes(OperationRow op) {
        return ProvenanceWriter.RESOURCE_TYPE.equals(op.resourceType());
    }

    Prepared prepare(OperationRow op, EhrAdapter adapter) {
        if (!(adapter instanceof ProvenanceWriter writer)) {
            return held(OperationState.NEEDS_REVIEW, ErrorClass.UNSUPPORTED, "the " + adapter.vendor()
                    + " adapter of target " + op.target() + " sends no Provenance");
        }
        List<Described> described = load(op);
        if (described.isEmpty()) {
            return held(OperationState.NEEDS_REVIEW, ErrorClass.INVALID, "describes no write of its event");
        }
        boolean aboutToSend = op.state() == OperationState.DUE || op.state() == OperationState.RETRY_WAIT;
        if (aboutToSend && !op.shadow()) {
            for (Described d : described) {
                if (!d.state().isWritten()) {
                    return notWritten(d);
                }
            }
        }
        return new Prepared(new Bound(adapter, writer, described.stream().map(Described::write).toList()), null);
    }

    private static Prepared notWritten(Described d) {
        String which = d.write().resourceType() + " it describes (operation " + d.write().operationId() + ") ";
        boolean never = d.state().isFailed() || d.state() == OperationState.DISCARDED
                || d.state() == OperationState.SHADOWED;
        if (never) {
            return held(OperationState.REJECTED, ErrorClass.NOT_FOUND, "not sent: the " + which + "ended "
                    + d.state() + " without being written; there is no record to attribute");
        }
        return held(OperationState.NEEDS_REVIEW, ErrorClass.NOT_FOUND, "not sent: the " + which + "is " + d.state()
                + ", not in the EHR; retry this once that write is delivered, or discard it with that write");
    }

    private static Prepared held(OperationState to, ErrorClass error, String detail) {
        return new Prepared(null, new Hold(to, VendorError.of(error, detail), detail));
    }

    private record Described(DescribedWrite write, OperationState state) {
    }

    /** The event's other writes to the same target, in part order, each with the version the gateway wrote. */
    private List<Described> load(OperationRow op) {
        return jdbc.read(c -> {
            List<Described> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.resource_type, w.operation_key, w.state,"
                    + " w.remote_id, coalesce((SELECT r.previous_version FROM remote_change r WHERE r.event_id ="
                    + " w.event_id AND r.operation_id = w.id ORDER BY r.id LIMIT 1), w.remote_version)"
                    + " FROM write_operation w WHERE w.event_id = ? AND w.target = ? AND w.resource_type <> ?"
                    + " ORDER BY w.part")) {
                ps.setObject(1, op.eventId());
                ps.setString(2, op.target());
                ps.setString(3, ProvenanceWriter.RESOURCE_TYPE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String remoteId = rs.getString(5);
                        RemoteRef remote = remoteId == null ? null
                                : new RemoteRef(rs.getString(2), remoteId, rs.getString(6));
                        out.add(new Described(new DescribedWrite(rs.getObject(1, UUID.class), rs.getString(2),
                                rs.getString(3), remote), OperationState.valueOf(rs.getString(4))));
                    }
                }
            }
            return out;
        });
    }

    /** The target's adapter as the engine sees it for one Provenance operation: each step goes to its writer. */
    private record Bound(EhrAdapter adapter, ProvenanceWriter writer, List<DescribedWrite> described)
            implements EhrAdapter {
        private ProvenanceContext context(WriteContext write) {
            return new ProvenanceContext(write, described);
        }

        @Override
        public String vendor() {
            return adapter.vendor();
        }

        @Override
        public WritePlan plan(ClinicalEvent event) {
            return adapter.plan(event);
        }

        @Override
        public SendOutcome send(WriteContext write) {
            return writer.sendProvenance(context(write));
        }

        @Override
        public RenderOutcome render(WriteContext write) {
            return writer.renderProvenance(context(write));
        }

        @Override
        public FindOutcome find(WriteContext write) {
            return writer.findProvenance(context(write));
        }

        @Override
        public VerifyOutcome verify(WriteContext write) {
            return writer.verifyProvenance(context(write));
        }

        @Override
        public ReadBack readBack(WriteContext write) {
            return adapter.readBack(write);
        }
    }
}
