package dev.chartbridge.app.hapi;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import dev.chartbridge.simulators.ChartEditor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.util.NoSuchElementException;

/**
 * A clinician's later work on records stored in the HAPI JPA server, done through HAPI's own DAOs (as the EHR's
 * screens would, not through the API the gateway uses): another user's amendment (a tag and a note, a new
 * version), a status change, a deletion. Thread-safe (HAPI's DAOs are).
 */
final class HapiJpaChart implements ChartEditor {
    static final String TAG_SYSTEM = "urn:chartbridge:test:tag";
    static final String TAG_CODE = "concurrent-edit";

    private final DaoRegistry daos;

    HapiJpaChart(DaoRegistry daos) {
        this.daos = daos;
    }

    /** Another user amends the record; answers the new version id. */
    String concurrentEdit(String reference) {
        Resource current = read(reference);
        current.getMeta().addTag(TAG_SYSTEM, TAG_CODE, "Edited by another user in the EHR");
        if (current.getNamedProperty("note") != null && current instanceof DomainResource) {
            current.addChild("note").setProperty("text", new StringType("Edited by another user in the EHR"));
        }
        return store(current);
    }

    @Override
    public String setStatus(String reference, String status) {
        Resource current = read(reference);
        Property plain = current.getNamedProperty("status");
        if (plain != null && plain.getTypeCode().startsWith("code")) {
            ((Enumeration<?>) current.makeProperty("status".hashCode(), "status")).setValueAsString(status);
        } else if (current.getNamedProperty("clinicalStatus") != null) {
            ((CodeableConcept) current.makeProperty("clinicalStatus".hashCode(), "clinicalStatus"))
                    .getCodingFirstRep().setCode(status);
        } else {
            throw new IllegalArgumentException(current.fhirType() + " has no status");
        }
        return store(current);
    }

    @Override
    public void delete(String reference) {
        IdType id = id(reference);
        read(reference);
        daos.getResourceDao(id.getResourceType()).delete(id, new SystemRequestDetails());
    }

    private Resource read(String reference) {
        IdType id = id(reference);
        try {
            return (Resource) daos.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails());
        } catch (ResourceNotFoundException | ResourceGoneException e) {
            throw new NoSuchElementException("no stored " + reference);
        }
    }

    @SuppressWarnings("unchecked")
    private String store(Resource changed) {
        IFhirResourceDao<IBaseResource> dao = daos.getResourceDao(changed.fhirType());
        changed.setIdElement(changed.getIdElement().toUnqualifiedVersionless());
        return dao.update(changed, new SystemRequestDetails()).getId().getVersionIdPart();
    }

    private static IdType id(String reference) {
        IdType id = new IdType(reference).toUnqualifiedVersionless();
        if (!id.hasResourceType() || !id.hasIdPart()) {
            throw new NoSuchElementException("not a Type/id reference: " + reference);
        }
        return id;
    }
}
