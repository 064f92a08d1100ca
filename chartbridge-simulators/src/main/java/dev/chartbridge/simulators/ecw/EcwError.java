package dev.chartbridge.simulators.ecw;

/**
 * The eClinicalWorks writeback error codes the simulator answers, with their numeric {@code status}, key
 * and action text exactly as in eCW's Error Code Reference Guide ({@code eclinicalworks-error-codes.yml},
 * {@code writeback_errors}), and the HTTP status the simulator pairs them with (eCW documents none).
 */
public enum EcwError {
  FAILURE(2, 403, "Verify request composition and required resources for the endpoint."),
  INVALID_PATIENT(100, 400, "Send a valid patient reference and confirm the patient exists in the system."),
  UNSUPPORTED_CODING_SYSTEM(102, 400, "Use supported coding systems for that resource type."),
  INVALID_STATUS(110, 400, "Set status to a supported value for that resource operation."),
  UNSUPPORTED_TYPE_CODE(113, 400, "Use supported type coding values for document reference create."),
  UNSUPPORTED_MIME_TYPE_IN_ATTACHMENT(114, 400, "Use supported MIME types for the document reference create endpoint."),
  INVALID_CODING_ELEMENT(120, 400, "Provide required coding system and code fields."),
  INVALID_INTENT(121, 400, "Use supported intent value for the endpoint."),
  INVALID_ENCOUNTER(123, 400, "Send a valid encounter reference linked to the same patient."),
  INVALID_ENCOUNTER_TYPE(138, 400, "Use the encounter type required by that operation."),
  ENCOUNTER_IS_LOCKED(139, 409, "Do not update locked encounter data."),
  INVALID_PATIENT_ALREADY_EXIST(202, 409,
      "Do not retry as create. Use the existing patient record (or patient-update workflow) instead."),
  INVALID_UNIT(611, 400, "Use allowed unit for the specific observation code."),
  INVALID_VITAL_VALUE(612, 400, "Provide valid observation value."),
  UNSUPPORTED_OBSERVATION(613, 400, "Use supported observation code values."),
  DEFAULT_WRITEBACK_USER_NOT_CONFIGURED(308, 500, "Coordinate with platform team to configure a valid writeback user."),
  RXNORM_CODE_MANDATORY(2024, 400, "Provide a valid RxNorm code in the request.");

  private final int status;
  private final int httpStatus;
  private final String action;

  EcwError(int status, int httpStatus, String action) {
    this.status = status;
    this.httpStatus = httpStatus;
    this.action = action;
  }

  /** eCW's numeric code (the {@code status} field of the body). */
  public int status() {
    return status;
  }

  /** HTTP status the simulator answers with. */
  public int httpStatus() {
    return httpStatus;
  }

  /** eCW's error key; code 2024's published key is a sentence. */
  public String key() {
    return this == RXNORM_CODE_MANDATORY ? "RxNorm Code is mandatory for importing medication data" : name();
  }

  /** The guide's "action" text. */
  public String action() {
    return action;
  }
}
