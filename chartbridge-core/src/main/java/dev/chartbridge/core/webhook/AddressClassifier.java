package dev.chartbridge.core.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Classifies an IP address for the webhook receiver check (issue #15: webhooks must not reach inside). Works on the
 * address bytes only: it resolves nothing and connects nowhere. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped {@code ::ffff:0:0/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are classified by the
 * IPv4 address they carry, so {@code ::ffff:127.0.0.1} is loopback. Ranges from the IANA special-purpose address
 * registries (RFC 6890 and its updates). Thread-safe (stateless).
 */
public final class AddressClassifier {
    /** Checked first, most specific first: the first range holding the address names its class. */
    private static final List<Map.Entry<AddressRange, AddressClass>> RANGES = List.of(
            // Cloud metadata and platform endpoints: AWS/GCP/Azure/OpenStack IMDS, AWS IPv6 IMDS, Alibaba,
            // Oracle, Azure's wireserver (a public address, so it must be named).
            range("169.254.169.254/32", AddressClass.METADATA),
            range("169.254.170.2/32", AddressClass.METADATA),
            range("fd00:ec2::254/128", AddressClass.METADATA),
            range("100.100.100.200/32", AddressClass.METADATA),
            range("192.0.0.192/32", AddressClass.METADATA),
            range("168.63.129.16/32", AddressClass.METADATA),
            range("0.0.0.0/8", AddressClass.UNSPECIFIED),
            range("10.0.0.0/8", AddressClass.PRIVATE),
            range("100.64.0.0/10", AddressClass.SHARED),
            range("127.0.0.0/8", AddressClass.LOOPBACK),
            range("169.254.0.0/16", AddressClass.LINK_LOCAL),
            range("172.16.0.0/12", AddressClass.PRIVATE),
            range("192.0.0.0/24", AddressClass.RESERVED),
            range("192.0.2.0/24", AddressClass.RESERVED),
            range("192.88.99.0/24", AddressClass.RESERVED),
            range("192.168.0.0/16", AddressClass.PRIVATE),
            range("198.18.0.0/15", AddressClass.RESERVED),
            range("198.51.100.0/24", AddressClass.RESERVED),
            range("203.0.113.0/24", AddressClass.RESERVED),
            range("224.0.0.0/4", AddressClass.MULTICAST),
            range("240.0.0.0/4", AddressClass.RESERVED), // includes 255.255.255.255
            range("::/128", AddressClass.UNSPECIFIED),
            range("::1/128", AddressClass.LOOPBACK),
            range("::/96", AddressClass.RESERVED), // IPv4-compatible, deprecated
            range("64:ff9b:1::/48", AddressClass.RESERVED),
            range("100::/64", AddressClass.RESERVED), // discard-only
            range("2001::/23", AddressClass.RESERVED), // IETF protocol assignments, incl. Teredo 2001::/32
            range("2001:db8::/32", AddressClass.RESERVED),
            range("3fff::/20", AddressClass.RESERVED), // documentation (RFC 9637)
            range("fc00::/7", AddressClass.PRIVATE),
            range("fe80::/10", AddressClass.LINK_LOCAL),
            range("fec0::/10", AddressClass.PRIVATE),
            range("ff00::/8", AddressClass.MULTICAST));
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");
    private static final AddressRange SIX_TO_FOUR = AddressRange.parse("2002::/16");

    private AddressClassifier() {
    }

    public static AddressClass classify(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return classify(embedded);
        }
        for (Map.Entry<AddressRange, AddressClass> r : RANGES) {
            if (r.getKey().contains(address)) {
                return r.getValue();
            }
        }
        return AddressClass.PUBLIC;
    }

    /** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), or null. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != 16) {
            return null;
        }
        byte[] v4;
        boolean mapped = Arrays.equals(Arrays.copyOf(a, 10), new byte[10]) && a[10] == (byte) 0xFF
                && a[11] == (byte) 0xFF;
        if (mapped || NAT64.contains(address)) {
            v4 = Arrays.copyOfRange(a, 12, 16);
        } else if (SIX_TO_FOUR.contains(address)) {
            v4 = Arrays.copyOfRange(a, 2, 6);
        } else {
            return null;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static Map.Entry<AddressRange, AddressClass> range(String cidr, AddressClass c) {
        return Map.entry(AddressRange.parse(cidr), c);
    }
}
