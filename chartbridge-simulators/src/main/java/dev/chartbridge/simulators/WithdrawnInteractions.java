package dev.chartbridge.simulators;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.config.RoutesConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * A test hook: interactions a test has withdrawn from the simulator's published CapabilityStatement, as if the
 * vendor stopped declaring them (an upgrade, a contract change). Only {@code GET /metadata} changes; the simulator
 * still behaves as before, so a test proves that the gateway's live check reads the statement, not the behaviour.
 * {@code POST /_sim/capabilities/withdrawn} with {@code {"interaction": "Observation.create"}} withdraws one,
 * {@code GET} lists them, {@code DELETE} (and the simulator's reset) restores the statement. Thread-safe.
 */
@Interceptor
public final class WithdrawnInteractions {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();

  /** Withdraws {@code call}, {@code Type.interaction} (e.g. {@code Observation.create}). */
  public void withdraw(String call) {
    if (call == null || call.indexOf('.') < 1) {
      throw new IllegalArgumentException("interaction must read Type.interaction, e.g. Observation.create");
    }
    withdrawn.add(call);
  }

  public void clear() {
    withdrawn.clear();
  }

  /** The control routes, under {@code /_sim/capabilities/withdrawn}. */
  public void register(RoutesConfig routes) {
    routes.get("/_sim/capabilities/withdrawn", ctx -> ctx.json(new TreeSet<>(withdrawn)));
    routes.post("/_sim/capabilities/withdrawn", ctx -> {
      try {
        withdraw(JSON.readTree(ctx.body()).path("interaction").asText(null));
      } catch (IllegalArgumentException | JsonProcessingException e) {
        ctx.status(400).json(Map.of("error", String.valueOf(e.getMessage())));
        return;
      }
      ctx.json(new TreeSet<>(withdrawn));
    });
    routes.delete("/_sim/capabilities/withdrawn", ctx -> {
      clear();
      ctx.status(204);
    });
  }

  /** A published statement (JSON) without the withdrawn interactions; unchanged when none are. */
  public String apply(String statementJson) {
    if (withdrawn.isEmpty()) {
      return statementJson;
    }
    try {
      JsonNode root = JSON.readTree(statementJson);
      for (JsonNode rest : root.path("rest")) {
        for (JsonNode resource : rest.path("resource")) {
          String type = resource.path("type").asText();
          if (resource.path("interaction") instanceof ArrayNode interactions) {
            for (Iterator<JsonNode> i = interactions.iterator(); i.hasNext(); ) {
              if (withdrawn.contains(type + "." + i.next().path("code").asText())) {
                i.remove();
              }
            }
          }
        }
      }
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the published CapabilityStatement is not JSON", e);
    }
  }

  /**
   * For a HAPI server whose statement is generated (and cached by HAPI): the answer to {@code /metadata} is
   * replaced by a copy without the withdrawn interactions, leaving HAPI's cached statement untouched.
   */
  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean outgoing(RequestDetails request, ResponseDetails response) {
    if (!withdrawn.isEmpty() && response.getResponseResource() instanceof CapabilityStatement statement) {
      CapabilityStatement copy = statement.copy();
      for (CapabilityStatement.CapabilityStatementRestComponent rest : copy.getRest()) {
        for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
          resource.getInteraction().removeIf(i -> i.getCode() != null
              && withdrawn.contains(resource.getType() + "." + i.getCode().toCode()));
        }
      }
      response.setResponseResource(copy);
    }
    return true;
  }
}
