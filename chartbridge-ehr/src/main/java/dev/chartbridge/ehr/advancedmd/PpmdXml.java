package dev.chartbridge.ehr.advancedmd;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdvancedMD's XML-RPC messages. A request is {@code <ppmdmsg action class msgtime nocookie="1" ...>} with the session
 * token as a {@code <usercontext>} child element, sent as ISO-8859-1; an answer is {@code <PPMDResults>} whose
 * {@code <Results success="1">} holds the data and whose faults sit in {@code <Error><Fault><detail><code>/
 * <description>} (or, flatter, {@code <Error Code Description>}), inside HTTP 200. Stateless.
 */
// evidence: amd.request.envelope, amd.request.encoding, amd.request.non-latin1, amd.session.usercontext-child
// evidence: amd.response.envelope, amd.response.error-attr-form
final class PpmdXml {
    static final String ENCODING = "ISO-8859-1";
    /** Stands for the session token in a rendered (shadow) request and in golden files. */
    static final String TOKEN_PLACEHOLDER = "{session}";

    private PpmdXml() {
    }

    /**
     * A whole request document: the XML declaration, {@code <ppmdmsg>} with action, class, msgtime, nocookie (when
     * {@code token} is not null) and {@code attributes} in order, then {@code <usercontext>token</usercontext>} and
     * the {@code children} (already XML). Only ASCII is emitted: anything else travels as a character reference,
     * which ISO-8859-1 documents carry without loss.
     */
    static String message(String action, String cls, String msgtime, String token, Map<String, String> attributes,
                          String children) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"" + ENCODING + "\"?>");
        xml.append("<ppmdmsg action=\"").append(attr(action)).append("\" class=\"").append(attr(cls))
                .append("\" msgtime=\"").append(attr(msgtime)).append('"');
        if (token != null) {
            xml.append(" nocookie=\"1\"");
        }
        attributes.forEach((k, v) -> {
            if (v != null) {
                xml.append(' ').append(k).append("=\"").append(attr(v)).append('"');
            }
        });
        if (token == null && children.isEmpty()) {
            return xml.append("/>").toString();
        }
        xml.append('>');
        if (token != null) {
            xml.append("<usercontext>").append(text(token)).append("</usercontext>");
        }
        return xml.append(children).append("</ppmdmsg>").toString();
    }

    /** {@code <tag a="v" .../>}. */
    static String element(String tag, Map<String, String> attributes) {
        StringBuilder xml = new StringBuilder("<").append(tag);
        attributes.forEach((k, v) -> xml.append(' ').append(k).append("=\"").append(attr(v)).append('"'));
        return xml.append("/>").toString();
    }

    /** An attribute value: quotes and line breaks as references, or XML parsers fold line breaks into spaces. */
    static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;");
    }

    static String text(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> {
                    if (c < 0x80) {
                        out.append((char) c);
                    } else {
                        out.append("&#").append(c).append(';');
                    }
                }
            }
        });
        return out.toString();
    }

    /** The parsed answer, or null when the body is not XML; the body's own declaration names its encoding. */
    static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            return null;
        }
    }

    /** The first element named {@code tag} (exact case) anywhere in {@code doc}, or null. */
    static Element first(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    /** The first element named {@code tag} (exact case) under {@code parent}, or null. */
    static Element first(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : (Element) nodes.item(0);
    }

    /** The {@code <Results>} element of a successful answer, or null. */
    static Element results(Document doc) {
        Element results = doc == null ? null : first(doc, "Results");
        return results != null && "1".equals(results.getAttribute("success")) ? results : null;
    }

    /** The element children of {@code parent} named {@code tag} (exact case). */
    static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Every element named {@code tag} under {@code parent}, at any depth. */
    static List<Element> descendants(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    /** An element's attributes, in document order. */
    static Map<String, String> attributes(Element e) {
        Map<String, String> row = new LinkedHashMap<>();
        NamedNodeMap attributes = e.getAttributes();
        for (int j = 0; j < attributes.getLength(); j++) {
            row.put(attributes.item(j).getNodeName(), attributes.item(j).getNodeValue());
        }
        return row;
    }

    /** A fault's code and description: the detail form first, then the flatter attribute form; null when none. */
    static String[] fault(Document doc) {
        if (doc == null || results(doc) != null) {
            return null;
        }
        Element detail = first(doc, "detail");
        if (detail != null) {
            Element code = first(detail, "code");
            Element description = first(detail, "description");
            if (code != null || description != null) {
                return new String[] {code == null ? null : code.getTextContent().trim(),
                        description == null ? null : description.getTextContent().trim()};
            }
        }
        Element error = first(doc, "Error");
        if (error != null) {
            String code = !error.getAttribute("Code").isEmpty() ? error.getAttribute("Code") : error.getAttribute("code");
            String description = !error.getAttribute("Description").isEmpty() ? error.getAttribute("Description")
                    : error.getAttribute("description");
            if (!code.isEmpty() || !description.isEmpty()) {
                return new String[] {code.isEmpty() ? null : code, description.isEmpty() ? null : description};
            }
        }
        return null;
    }
}
