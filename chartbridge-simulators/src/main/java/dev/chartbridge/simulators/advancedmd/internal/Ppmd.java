package dev.chartbridge.simulators.advancedmd.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/** Parsing of {@code <ppmdmsg>} requests and writing of {@code <PPMDResults>} answers. Stateless. */
public final class Ppmd {

  /** Fault code AdvancedMD answers when a session token is no longer valid (ehr-vendors.md). */
  public static final String SESSION_TIMED_OUT = "1025";
  /** Invented: bad username, password or office key (AdvancedMD's code is not public). */
  public static final String INVALID_LOGIN = "1000";
  /** Invented: a required attribute is missing or malformed. */
  public static final String BAD_REQUEST = "1100";
  /** Invented: the patient or visit id is not known in this office. */
  public static final String NOT_FOUND = "1101";
  /** Invented: the action is not simulated. */
  public static final String UNKNOWN_ACTION = "1102";

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
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
