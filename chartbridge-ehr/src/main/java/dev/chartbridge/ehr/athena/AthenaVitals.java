package dev.chartbridge.ehr.athena;

import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.VitalKind;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * athena's vitals clinical elements and the one unit each is recorded in (athena takes bare numbers in the
 * element's configured unit: weight in grams, height in centimetres, temperature in degrees Fahrenheit), and the
 * conversion of a canonical UCUM measurement into athena readings. Blood pressure is two readings, systolic and
 * diastolic, taken together. Every UCUM unit the canonical format accepts converts exactly or to a stated
 * precision, so nothing is refused late. Stateless and thread-safe.
 */
// evidence: athena.vitals.clinical-elements, athena.vitals.units, athena.vitals.o2-saturation-element
final class AthenaVitals {
    static final String SYSTOLIC = "VITALS.BLOODPRESSURE.SYSTOLIC";
    static final String DIASTOLIC = "VITALS.BLOODPRESSURE.DIASTOLIC";
    private static final BigDecimal GRAMS_PER_POUND = new BigDecimal("453.59237");
    private static final BigDecimal CM_PER_INCH = new BigDecimal("2.54");

    private AthenaVitals() {
    }

    /** The readings one measurement becomes: {@code clinicalelementid} and {@code value}, in athena's unit. */
    static List<Map<String, String>> readings(Measurement m) {
        if (m.kind() == VitalKind.BLOOD_PRESSURE) {
            return List.of(reading(SYSTOLIC, m.systolic()), reading(DIASTOLIC, m.diastolic()));
        }
        return List.of(switch (m.kind()) {
            case HEART_RATE -> reading("VITALS.HEARTRATE", m.value());
            case RESPIRATORY_RATE -> reading("VITALS.RESPIRATIONRATE", m.value());
            case OXYGEN_SATURATION -> reading("VITALS.O2SATURATION", m.value());
            case BODY_TEMPERATURE -> reading("VITALS.TEMPERATURE", fahrenheit(m.value(), m.unit()));
            case BODY_WEIGHT -> reading("VITALS.WEIGHT", grams(m.value(), m.unit()));
            case BODY_HEIGHT -> reading("VITALS.HEIGHT", centimetres(m.value(), m.unit()));
            case BLOOD_PRESSURE -> throw new IllegalStateException("handled above");
        });
    }

    private static Map<String, String> reading(String element, BigDecimal value) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("clinicalelementid", element);
        r.put("value", plain(value));
        return r;
    }

    /** Degrees Fahrenheit to one decimal (athena's precision for temperature). */
    static BigDecimal fahrenheit(BigDecimal value, String unit) {
        BigDecimal f = switch (unit) {
            case "[degF]" -> value;
            case "Cel" -> value.multiply(BigDecimal.valueOf(9)).divide(BigDecimal.valueOf(5), MathContext.DECIMAL64)
                    .add(BigDecimal.valueOf(32));
            default -> throw new IllegalArgumentException("unit not accepted for temperature: " + unit);
        };
        return f.setScale(1, RoundingMode.HALF_UP);
    }

    /** Whole grams. */
    static BigDecimal grams(BigDecimal value, String unit) {
        BigDecimal g = switch (unit) {
            case "g" -> value;
            case "kg" -> value.multiply(BigDecimal.valueOf(1000));
            case "[lb_av]" -> value.multiply(GRAMS_PER_POUND);
            default -> throw new IllegalArgumentException("unit not accepted for weight: " + unit);
        };
        return g.setScale(0, RoundingMode.HALF_UP);
    }

    /** Centimetres to one decimal. */
    static BigDecimal centimetres(BigDecimal value, String unit) {
        BigDecimal cm = switch (unit) {
            case "cm" -> value;
            case "m" -> value.multiply(BigDecimal.valueOf(100));
            case "[in_i]" -> value.multiply(CM_PER_INCH);
            default -> throw new IllegalArgumentException("unit not accepted for height: " + unit);
        };
        return cm.setScale(1, RoundingMode.HALF_UP);
    }

    static String plain(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString();
    }
}
