package dev.chartbridge.core.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which addresses webhooks may be delivered to (issue #15, item 7). By default only {@link AddressClass#PUBLIC}
 * ones: loopback, private, link-local, multicast, shared (CGNAT), unspecified and reserved addresses are refused,
 * so a tenant cannot aim the gateway at its own host or network. An operator allows on-premises receivers by
 * network ({@code allowNetworks}, CIDR) or by host name ({@code allowHosts}, exact, case-insensitive). Cloud
 * metadata endpoints are never allowed, whatever the allowlist says.
 *
 * <p>A host is resolved and every address it resolves to must be allowed (a name with one public and one private
 * address is refused). The dispatcher checks again at every delivery and connects to exactly the addresses it
 * checked, so a name that resolves elsewhere after registration (DNS rebinding) is refused then. Immutable;
 * thread-safe when its resolver is.
 */
public final class ReceiverAddressPolicy {
    /** Turns a host name into addresses; the system resolver by default, a fixed table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Why a receiver was refused; the message is for the operator's log, never for the tenant. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final List<AddressRange> allowNetworks;
    private final Set<String> allowHosts;
    private final Resolver resolver;

    /**
     * @throws IllegalArgumentException when an entry of {@code allowNetworks} is not a CIDR block of literals
     */
    public ReceiverAddressPolicy(List<String> allowNetworks, List<String> allowHosts, Resolver resolver) {
        this.allowNetworks = allowNetworks == null ? List.of()
                : allowNetworks.stream().map(AddressRange::parse).toList();
        this.allowHosts = allowHosts == null ? Set.of()
                : allowHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.resolver = resolver;
    }

    /** Public addresses only, resolved by the system resolver. */
    public static ReceiverAddressPolicy publicOnly() {
        return new ReceiverAddressPolicy(List.of(), List.of(), InetAddress::getAllByName);
    }

    /**
     * The addresses of the URL's host, every one of them allowed; the caller connects to these and no others.
     *
     * @throws Refused when the host does not resolve, or resolves to any address this policy refuses
     */
    public List<InetAddress> check(URI url) throws Refused {
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refused("the URL has no host");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException | SecurityException e) {
            throw new Refused("the host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused("the host " + host + " does not resolve");
        }
        boolean hostAllowed = allowHosts.contains(bare.toLowerCase(Locale.ROOT));
        for (InetAddress a : addresses) {
            if (!allows(a, hostAllowed)) {
                throw new Refused("the host " + host + " resolves to " + a.getHostAddress() + " ("
                        + AddressClassifier.classify(a).name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + "), which is not allowed");
            }
        }
        return List.of(addresses);
    }

    /** Whether one address may be delivered to (metadata never; public always; others when allowed). */
    public boolean allows(InetAddress address) {
        return allows(address, false);
    }

    private boolean allows(InetAddress address, boolean hostAllowed) {
        AddressClass c = AddressClassifier.classify(address);
        if (c == AddressClass.METADATA) {
            return false;
        }
        if (c == AddressClass.PUBLIC || hostAllowed) {
            return true;
        }
        return allowNetworks.stream().anyMatch(r -> r.contains(address));
    }
}
