package dev.chartbridge.core.delivery;

import dev.chartbridge.core.adapter.VendorError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the engine calls an adapter and names what came back: a call that throws (an adapter bug) becomes the
 * outcome the caller chooses, logged without the exception's text; vendor errors read as one line; each recorded
 * step gets a fresh trace id. Stateless and thread-safe.
 */
final class AdapterCalls {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private AdapterCalls() {
    }

    static <T> T call(Supplier<T> adapterCall, Function<RuntimeException, T> onBug) {
        try {
            return adapterCall.get();
        } catch (RuntimeException e) {
            // The exception's message may quote the request: log the type only, never the text (no PHI in logs).
            LOG.error("adapter threw {} at {}; treating the outcome as unknown", e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            return onBug.apply(e);
        }
    }

    static String describe(VendorError e) {
        if (e == null) {
            return null;
        }
        String code = e.vendorCode() == null ? "" : " [" + e.vendorCode() + "]";
        return e.errorClass() + code + (e.message() == null ? "" : ": " + e.message());
    }

    static String traceId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
