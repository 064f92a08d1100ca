package dev.chartbridge.core.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}, or one address without a
 * prefix length). Parsing resolves nothing: only address literals are accepted. Immutable.
 */
public record AddressRange(byte[] network, int prefixLength) {
    public AddressRange {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /**
     * @throws IllegalArgumentException when {@code cidr} is not an IPv4 or IPv6 literal with an optional prefix
     *                                  length that fits it
     */
    public static AddressRange parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String literal = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literalBytes(literal);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' has no valid prefix length");
            }
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + cidr + "': prefix length must be 0 to " + bits);
        }
        return new AddressRange(mask(bytes, prefix), prefix);
    }

    /** Whether the address lies in this block (an IPv4 address never lies in an IPv6 block, nor the reverse). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.length && Arrays.equals(mask(a, prefixLength), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    /** The bytes of an address literal; never a name lookup (a name is refused before InetAddress sees it). */
    static byte[] literalBytes(String literal) {
        String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1)
                : literal;
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefixLength == prefixLength && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
