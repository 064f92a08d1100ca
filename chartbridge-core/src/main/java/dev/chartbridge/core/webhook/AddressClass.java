package dev.chartbridge.core.webhook;

/**
 * What kind of address a webhook receiver resolved to. Only {@link #PUBLIC} is delivered to by default; the
 * others reach inside the gateway's host or network (or nowhere) and are refused unless the configuration allows
 * them, except {@link #METADATA}, which is never allowed.
 */
public enum AddressClass {
    /** Globally routable unicast. */
    PUBLIC,
    /** 127.0.0.0/8, ::1. */
    LOOPBACK,
    /** RFC 1918 (10/8, 172.16/12, 192.168/16), unique local fc00::/7, site-local fec0::/10. */
    PRIVATE,
    /** 169.254.0.0/16, fe80::/10. */
    LINK_LOCAL,
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST,
    /** 0.0.0.0/8, ::. */
    UNSPECIFIED,
    /** Carrier-grade NAT, RFC 6598: 100.64.0.0/10. */
    SHARED,
    /** A cloud instance-metadata or platform endpoint (169.254.169.254, fd00:ec2::254, 100.100.100.200, ...). */
    METADATA,
    /** Documentation, benchmarking, broadcast, IETF-reserved and deprecated ranges: nothing to deliver to. */
    RESERVED
}
