package dev.chartbridge.simulators.veradigm.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/** Reads the small XML documents Unity save actions take in a parameter. No DTDs, no entities. Stateless. */
final class UnityXml {

  private UnityXml() {}

  /** The document's root element, or null when {@code xml} is not well-formed XML. */
  static Element root(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
          .getDocumentElement();
    } catch (Exception e) {
      return null;
    }
  }

  /** The attributes of {@code e}, by name. */
  static Map<String, String> attributes(Element e) {
    Map<String, String> out = new LinkedHashMap<>();
    NamedNodeMap attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      out.put(attrs.item(i).getNodeName(), attrs.item(i).getNodeValue());
    }
    return out;
  }

  /** The child elements of {@code e} named {@code name}. */
  static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = e.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element c && c.getTagName().equalsIgnoreCase(name)) {
        out.add(c);
      }
    }
    return out;
  }
}
