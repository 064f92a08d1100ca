package dev.chartbridge.simulators.advancedmd.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * Parsing of {@code <ppmdmsg>} requests and writing of {@code <PPMDResults>} answers; fault codes from
 * aaronblatnoy/advancedmd-gateway knowledge/reference/amd_api/errors/error-codes.json. Stateless.
 */
// evidence: amd.response.envelope, amd.error.xml-codes, amd.session.expiry, amd.login.refused-codes
// evidence: amd.error.unknown-patient
public final class Ppmd {

  /** "Session has timed out"; {@link #SESSION_TIMED_OUT_ALT} is the same condition as a 32-bit signed code. */
  public static final String SESSION_TIMED_OUT = "1025";
  public static final String SESSION_TIMED_OUT_ALT = "-2147220479";
  /** "Invalid username or password" (alternate form of 1024). */
  public static final String INVALID_LOGIN = "-2147220480";
  /** The partner login's answer: log in again at the web server it names. */
  public static final String LOGIN_REDIRECT = "-2147220476";
  /** "Missing attribute". */
  public static final String MISSING_ATTRIBUTE = "2048";
  /** "Invalid attribute": also what the simulator answers for an unknown patient, visit or template (assumed). */
  public static final String INVALID_ATTRIBUTE = "2051";
  /** "Parsing error". */
  public static final String PARSING_ERROR = "2052";
  /** "Invalid element": the simulator's answer to an action it does not play. */
  public static final String INVALID_ELEMENT = "2050";

  private Ppmd() {}

  /** The {@code <ppmdmsg>} element of {@code body}, or null if the body is not such XML. */
  public static Element parse(byte[] body) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element root = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body)).getDocumentElement();
      return root.getTagName().equals("ppmdmsg") ? root : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Text of the first child element {@code name}, or null. */
  public static String child(Element msg, String name) {
    var nodes = msg.getElementsByTagName(name);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }

  /** {@code <PPMDResults><Results success="1">inner</Results></PPMDResults>}. */
  public static String success(String inner) {
    return "<PPMDResults><Results success=\"1\">" + inner + "</Results></PPMDResults>";
  }

  /** An {@code <Error>} answer with a fault code and description. */
  public static String fault(String code, String description) {
    return "<PPMDResults><Results success=\"0\"/><Error><Fault><detail><code>" + esc(code) + "</code><description>"
        + esc(description) + "</description><source>ChartBridge AdvancedMD simulator</source></detail></Fault>"
        + "</Error></PPMDResults>";
  }

  /** The direct child elements of {@code msg} named {@code name}. */
  public static java.util.List<Element> children(Element msg, String name) {
    java.util.List<Element> out = new java.util.ArrayList<>();
    for (org.w3c.dom.Node n = msg.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  /** {@code <tag a="v" ...>} (an open tag). */
  public static String open(String tag, Map<String, String> attributes) {
    String empty = element(tag, attributes);
    return empty.substring(0, empty.length() - 2) + ">";
  }

  /** {@code <tag a="v" .../>} with every entry as an attribute. */
  public static String element(String tag, Map<String, String> attributes) {
    StringBuilder out = new StringBuilder("<").append(tag);
    attributes.forEach((k, v) -> out.append(' ').append(k).append("=\"").append(esc(v)).append('"'));
    return out.append("/>").toString();
  }

  /** An ordered attribute map from name/value pairs. */
  public static Map<String, String> attrs(String... pairs) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }

  public static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("\n", "&#10;").replace("\r", "&#13;");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
