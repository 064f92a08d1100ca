package dev.chartbridge.ehr.advancedmd;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdvancedMD's XML-RPC messages: a {@code <ppmdmsg>} request with the call's parameters as attributes (and long
 * text as child elements), and a {@code <PPMDResults>} answer whose {@code <Results success="1">} holds the data
 * and whose faults sit in {@code <Error><Fault><detail><code>/<description>}, inside HTTP 200. Stateless.
 */
final class PpmdXml {
    private PpmdXml() {
    }

    /** {@code <ppmdmsg action=".." class="api" a="v" ...><child>text</child></ppmdmsg>}, attributes in the given order. */
    static String message(String action, String cls, Map<String, String> attributes, Map<String, String> children) {
        StringBuilder xml = new StringBuilder("<ppmdmsg action=\"").append(escape(action)).append("\" class=\"")
                .append(escape(cls)).append('"');
        attributes.forEach((k, v) -> xml.append(' ').append(k).append("=\"").append(escape(v)).append('"'));
        if (children.isEmpty()) {
            return xml.append("/>").toString();
        }
        xml.append('>');
        children.forEach((k, v) -> xml.append('<').append(k).append('>').append(escapeText(v)).append("</").append(k)
                .append('>'));
        return xml.append("</ppmdmsg>").toString();
    }

    /** For attribute values: line breaks as character references, or XML parsers turn them into spaces. */
    static String escape(String s) {
        return escapeText(s).replace("\"", "&quot;").replace("\n", "&#10;").replace("\r", "&#13;");
    }

    static String escapeText(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The parsed answer, or null when the body is not XML. */
    static Document parse(String body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder()
                    .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return null;
        }
    }

    /** The first element named {@code tag} anywhere in {@code doc}, or null. */
    static Element first(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    static String text(Document doc, String tag) {
        Element e = first(doc, tag);
        return e == null ? null : e.getTextContent().trim();
    }

    /** Every element named {@code tag}, each as its attribute map. */
    static List<Map<String, String>> rows(Document doc, String tag) {
        List<Map<String, String>> rows = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            NamedNodeMap attributes = nodes.item(i).getAttributes();
            Map<String, String> row = new LinkedHashMap<>();
            for (int j = 0; j < attributes.getLength(); j++) {
                row.put(attributes.item(j).getNodeName(), attributes.item(j).getNodeValue());
            }
            rows.add(row);
        }
        return rows;
    }
}
