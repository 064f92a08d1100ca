package dev.chartbridge.ehr.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import dev.chartbridge.core.adapter.WriteContext;
import dev.chartbridge.core.event.AllergyPayload;
import dev.chartbridge.core.event.ClinicalEvent;
import dev.chartbridge.core.event.Coding;
import dev.chartbridge.core.event.ConditionPayload;
import dev.chartbridge.core.event.ConsentPayload;
import dev.chartbridge.core.event.FollowUpTaskPayload;
import dev.chartbridge.core.event.Measurement;
import dev.chartbridge.core.event.MedicationChangePayload;
import dev.chartbridge.core.event.NotePayload;
import dev.chartbridge.core.event.VitalKind;
import dev.chartbridge.core.event.VitalsPayload;
import dev.chartbridge.ehr.FhirContexts;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.TimeZone;

/**
 * Maps a canonical event into the standard FHIR R4 resource a generic server takes: vitals into vital-signs
 * Observations (blood pressure as a panel with components), notes into text/plain DocumentReferences, and so on.
 * Every resource carries the gateway's write identifier. Stateless and thread-safe.
 */
public final class FhirR4Mapping {
    static final String UCUM = "http://unitsofmeasure.org";
    static final String NPI = "http://hl7.org/fhir/sid/us-npi";
    private static final Map<String, String> ROUTE_SNOMED = Map.ofEntries(Map.entry("oral", "26643006"),
            Map.entry("sublingual", "37839007"), Map.entry("intravenous", "47625008"),
            Map.entry("intramuscular", "78421000"), Map.entry("subcutaneous", "34206005"),
            Map.entry("topical", "6064005"), Map.entry("transdermal", "45890007"), Map.entry("inhalation", "447694001"),
            Map.entry("nasal", "46713006"), Map.entry("rectal", "37161004"), Map.entry("ophthalmic", "54485002"),
            Map.entry("otic", "10547007"));

    private FhirR4Mapping() {
    }

    /** The FHIR resource type each canonical event type becomes. */
    public static String resourceType(ClinicalEvent event) {
        return switch (event.type()) {
            case VITALS -> "Observation";
            case NOTE -> "DocumentReference";
            case CONDITION -> "Condition";
            case ALLERGY -> "AllergyIntolerance";
            case MEDICATION_CHANGE -> "MedicationRequest";
            case FOLLOW_UP_TASK -> "Task";
            case CONSENT -> "Consent";
        };
    }

    /**
     * @param patientId   the EHR's logical id of the patient, resolved from the event's identifiers
     * @param encounterId the EHR's logical id of the encounter, or null
     */
    public static Resource render(WriteContext w, String patientId, String encounterId) {
        ClinicalEvent e = w.event();
        Reference patient = new Reference("Patient/" + patientId);
        Reference encounter = encounterId == null ? null : new Reference("Encounter/" + encounterId);
        Reference author = new Reference().setIdentifier(new Identifier().setSystem(NPI).setValue(e.author().npi()));
        Resource r = switch (e.type()) {
            case VITALS -> vitals(e, w.part(), patient, encounter, author);
            case NOTE -> note(e, (NotePayload) e.payload(), patient, encounter, author);
            case CONDITION -> condition(e, (ConditionPayload) e.payload(), patient, encounter, author);
            case ALLERGY -> allergy(e, (AllergyPayload) e.payload(), patient, encounter, author);
            case MEDICATION_CHANGE -> medication(e, (MedicationChangePayload) e.payload(), patient, encounter, author);
            case FOLLOW_UP_TASK -> task(e, (FollowUpTaskPayload) e.payload(), patient, encounter, author);
            case CONSENT -> consent(e, (ConsentPayload) e.payload(), patient);
        };
        // Every one of these resource types has Resource.identifier (0..*): set it through the terser.
        Identifier id = (Identifier) FhirContexts.r4().newTerser().addElement(r, "identifier");
        id.setSystem(WriteContext.IDENTIFIER_SYSTEM).setValue(w.operationKey());
        return r;
    }

    private static Date date(java.time.Instant instant) {
        return Date.from(instant);
    }

    /**
     * The event's instant at full precision: milliseconds kept where it has them (FHIR dateTime allows fractional
     * seconds; HAPI's {@code DateTimeType(Date)} would cut them), whole seconds written as such.
     */
    // evidence: fhir.datetime.precision
    static DateTimeType dateTime(java.time.Instant instant) {
        TemporalPrecisionEnum precision = instant.getNano() == 0 ? TemporalPrecisionEnum.SECOND
                : TemporalPrecisionEnum.MILLI;
        return new DateTimeType(Date.from(instant), precision, TimeZone.getTimeZone(ZoneOffset.UTC));
    }

    private static CodeableConcept concept(Coding c) {
        return new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(c.system(), c.code(), c.display()));
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept().addCoding(new org.hl7.fhir.r4.model.Coding(system, code, display));
    }

    private static Quantity quantity(java.math.BigDecimal value, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(unit);
    }

    private static Observation vitals(ClinicalEvent e, int part, Reference patient, Reference encounter,
                                      Reference author) {
        Measurement m = ((VitalsPayload) e.payload()).measurements().get(part);
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(concept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs",
                "Vital Signs"));
        o.setCode(concept(Coding.LOINC, m.kind().loinc(), m.kind().display()));
        o.setSubject(patient);
        o.setEncounter(encounter);
        o.setEffective(dateTime(e.occurredAt()));
        o.addPerformer(author);
        if (m.kind() == VitalKind.BLOOD_PRESSURE) {
            o.addComponent().setCode(concept(Coding.LOINC, VitalKind.SYSTOLIC_LOINC, "Systolic blood pressure"))
                    .setValue(quantity(m.systolic(), m.unit()));
            o.addComponent().setCode(concept(Coding.LOINC, VitalKind.DIASTOLIC_LOINC, "Diastolic blood pressure"))
                    .setValue(quantity(m.diastolic(), m.unit()));
        } else {
            o.setValue(quantity(m.value(), m.unit()));
        }
        return o;
    }

    private static DocumentReference note(ClinicalEvent e, NotePayload n, Reference patient, Reference encounter,
                                          Reference author) {
        DocumentReference d = new DocumentReference();
        d.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
        d.setDocStatus("final".equals(n.status()) ? DocumentReference.ReferredDocumentStatus.FINAL
                : DocumentReference.ReferredDocumentStatus.PRELIMINARY);
        d.setType(concept(Coding.LOINC, n.noteType().loinc(), n.noteType().display()));
        d.addCategory(concept("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                "clinical-note", "Clinical Note"));
        d.setSubject(patient);
        d.setDate(date(e.occurredAt()));
        d.addAuthor(author);
        if (n.signedAt() != null) {
            d.setAuthenticator(author);
        }
        d.setDescription(n.title());
        Attachment a = new Attachment().setContentType("text/plain").setData(n.text().getBytes(StandardCharsets.UTF_8))
                .setTitle(n.title());
        d.addContent().setAttachment(a);
        if (encounter != null) {
            d.getContext().addEncounter(encounter);
        }
        return d;
    }

    private static Condition condition(ClinicalEvent e, ConditionPayload c, Reference patient, Reference encounter,
                                       Reference author) {
        Condition r = new Condition();
        r.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical", c.clinicalStatus(),
                null));
        r.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                c.verificationStatus(), null));
        r.addCategory(concept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item",
                "Problem List Item"));
        r.setCode(concept(c.code()));
        r.setSubject(patient);
        r.setEncounter(encounter);
        if (c.onset() != null) {
            r.setOnset(new DateTimeType(c.onset().toString()));
        }
        r.setRecordedDateElement(dateTime(e.occurredAt()));
        r.setRecorder(author);
        if (c.note() != null) {
            r.addNote(new Annotation().setText(c.note()));
        }
        return r;
    }

    private static AllergyIntolerance allergy(ClinicalEvent e, AllergyPayload a, Reference patient,
                                              Reference encounter, Reference author) {
        AllergyIntolerance r = new AllergyIntolerance();
        r.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                a.clinicalStatus(), null));
        r.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                a.verificationStatus(), null));
        if (a.criticality() != null) {
            r.setCriticality(AllergyIntolerance.AllergyIntoleranceCriticality.fromCode(a.criticality()));
        }
        r.setCode(concept(a.substance()));
        r.setPatient(patient);
        r.setEncounter(encounter);
        r.setRecordedDateElement(dateTime(e.occurredAt()));
        r.setRecorder(author);
        for (AllergyPayload.Reaction reaction : a.reactions()) {
            var rx = r.addReaction().addManifestation(concept(reaction.manifestation()));
            if (reaction.severity() != null) {
                rx.setSeverity(AllergyIntolerance.AllergyIntoleranceSeverity.fromCode(reaction.severity()));
            }
        }
        return r;
    }

    private static MedicationRequest medication(ClinicalEvent e, MedicationChangePayload m, Reference patient,
                                                Reference encounter, Reference author) {
        MedicationRequest r = new MedicationRequest();
        r.setStatus("stop".equals(m.action()) ? MedicationRequest.MedicationRequestStatus.STOPPED
                : MedicationRequest.MedicationRequestStatus.ACTIVE);
        r.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        r.setMedication(concept(m.medication()));
        r.setSubject(patient);
        r.setEncounter(encounter);
        r.setAuthoredOnElement(dateTime(e.occurredAt()));
        r.setRequester(author);
        if (m.reason() != null) {
            r.addReasonCode(new CodeableConcept().setText(m.reason()));
        }
        if (m.doseValue() != null) {
            Dosage dosage = r.addDosageInstruction();
            dosage.setText(m.doseValue().toPlainString() + " " + m.doseUnit() + " " + m.route() + " " + m.frequency());
            dosage.setRoute(concept(Coding.SNOMED, ROUTE_SNOMED.get(m.route()), m.route()));
            dosage.getTiming().setCode(concept("http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation",
                    m.frequency(), null));
            dosage.addDoseAndRate().setDose(quantity(m.doseValue(), m.doseUnit()));
        }
        return r;
    }

    private static Task task(ClinicalEvent e, FollowUpTaskPayload t, Reference patient, Reference encounter,
                             Reference author) {
        Task r = new Task();
        r.setStatus(Task.TaskStatus.fromCode(t.status()));
        r.setIntent(Task.TaskIntent.ORDER);
        r.setPriority(Task.TaskPriority.fromCode(t.priority()));
        r.setDescription(t.description());
        r.setFor(patient);
        r.setEncounter(encounter);
        r.setAuthoredOnElement(dateTime(e.occurredAt()));
        r.setRequester(author);
        if (t.ownerNpi() != null) {
            r.setOwner(new Reference().setIdentifier(new Identifier().setSystem(NPI).setValue(t.ownerNpi())));
        }
        if (t.dueDate() != null) {
            r.getRestriction().setPeriod(new Period().setEndElement(new DateTimeType(t.dueDate().toString())));
        }
        return r;
    }

    private static Consent consent(ClinicalEvent e, ConsentPayload c, Reference patient) {
        Consent r = new Consent();
        r.setStatus(Consent.ConsentState.fromCode(c.status()));
        r.setScope(concept("http://terminology.hl7.org/CodeSystem/consentscope", c.scope(), null));
        r.addCategory(concept(Coding.LOINC, "59284-0", "Patient Consent"));
        r.setPatient(patient);
        r.setDateTimeElement(dateTime(e.occurredAt()));
        if (c.jurisdiction() != null) {
            r.addPolicy().setAuthority("urn:iso:std:iso:3166:-2:" + c.jurisdiction());
        } else {
            r.addPolicy().setUri("urn:chartbridge:consent-policy:unspecified");
        }
        Consent.ProvisionComponent p = r.getProvision();
        p.setType("permit".equals(c.decision()) ? Consent.ConsentProvisionType.PERMIT
                : Consent.ConsentProvisionType.DENY);
        Period period = new Period().setStartElement(new DateTimeType(c.periodStart().toString()));
        if (c.periodEnd() != null) {
            period.setEndElement(new DateTimeType(c.periodEnd().toString()));
        }
        p.setPeriod(period);
        return r;
    }

}
