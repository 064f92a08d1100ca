package dev.chartbridge.core.event;

/** A code from a terminology (SNOMED CT, ICD-10-CM, RxNorm, LOINC ...), with an optional display text. */
public record Coding(String system, String code, String display) {
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public static final String LOINC = "http://loinc.org";
    public static final String UNII = "http://fdasis.nlm.nih.gov";
}
