package dev.chartbridge.core.webhook;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The receiver address check over literal addresses only: nothing here resolves a name through DNS or sends a
 * packet (the policy's resolver is a fixed table).
 */
class AddressClassifierTest {
    @Test
    void inside_addresses_are_classified_by_their_range() {
        Map<String, AddressClass> expected = Map.ofEntries(
                Map.entry("127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("127.255.0.9", AddressClass.LOOPBACK),
                Map.entry("::1", AddressClass.LOOPBACK),
                Map.entry("10.1.2.3", AddressClass.PRIVATE),
                Map.entry("172.16.0.1", AddressClass.PRIVATE),
                Map.entry("172.31.255.254", AddressClass.PRIVATE),
                Map.entry("192.168.1.10", AddressClass.PRIVATE),
                Map.entry("fc00::1", AddressClass.PRIVATE),
                Map.entry("fdab:cdef::1", AddressClass.PRIVATE),
                Map.entry("169.254.1.1", AddressClass.LINK_LOCAL),
                Map.entry("fe80::1", AddressClass.LINK_LOCAL),
                Map.entry("224.0.0.251", AddressClass.MULTICAST),
                Map.entry("ff02::1", AddressClass.MULTICAST),
                Map.entry("0.0.0.0", AddressClass.UNSPECIFIED),
                Map.entry("::", AddressClass.UNSPECIFIED),
                Map.entry("100.64.0.1", AddressClass.SHARED),
                Map.entry("100.127.255.254", AddressClass.SHARED),
                Map.entry("169.254.169.254", AddressClass.METADATA),
                Map.entry("fd00:ec2::254", AddressClass.METADATA),
                Map.entry("100.100.100.200", AddressClass.METADATA),
                Map.entry("168.63.129.16", AddressClass.METADATA),
                Map.entry("255.255.255.255", AddressClass.RESERVED),
                Map.entry("192.0.2.7", AddressClass.RESERVED),
                Map.entry("2001:db8::1", AddressClass.RESERVED));
        expected.forEach((literal, kind) ->
                assertThat(AddressClassifier.classify(literal(literal))).as(literal).isEqualTo(kind));
    }

    @Test
    void ipv6_forms_carrying_an_ipv4_address_are_classified_by_it() {
        assertThat(AddressClassifier.classify(literal("::ffff:7f00:1"))).isEqualTo(AddressClass.LOOPBACK);
        assertThat(AddressClassifier.classify(literal("64:ff9b::a9fe:a9fe"))).isEqualTo(AddressClass.METADATA);
        assertThat(AddressClassifier.classify(literal("2002:c0a8:0101::1"))).isEqualTo(AddressClass.PRIVATE);
        assertThat(AddressClassifier.classify(literal("64:ff9b::808:808"))).isEqualTo(AddressClass.PUBLIC);
    }

    @Test
    void public_addresses_next_to_the_inside_ranges_are_public() {
        for (String literal : List.of("8.8.8.8", "11.0.0.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
                "172.32.0.0", "192.167.255.255", "169.253.255.255", "2606:4700:4700::1111", "fbff::1")) {
            assertThat(AddressClassifier.classify(literal(literal))).as(literal).isEqualTo(AddressClass.PUBLIC);
        }
    }

    @Test
    void the_default_policy_refuses_every_inside_address_and_a_name_with_any_inside_address() throws Exception {
        ReceiverAddressPolicy policy = new ReceiverAddressPolicy(List.of(), List.of(), table());
        for (String host : List.of("127.0.0.1", "[::1]", "10.0.0.5", "169.254.169.254", "[fd00:ec2::254]",
                "100.64.1.1", "[fe80::1]", "224.0.0.1", "0.0.0.0", "inside.test", "mixed.test", "nowhere.test")) {
            assertThatThrownBy(() -> policy.check(URI.create("http://" + host + ":8080/hook"))).as(host)
                    .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        }
        assertThat(policy.check(URI.create("https://public.test/hook"))).containsExactly(literal("93.184.215.14"));
    }

    @Test
    void the_allowlist_admits_named_networks_and_hosts_but_never_metadata() throws Exception {
        ReceiverAddressPolicy policy = new ReceiverAddressPolicy(List.of("127.0.0.0/8", "10.20.0.0/16"),
                List.of("Inside.Test"), table());
        assertThat(policy.check(URI.create("http://127.0.0.1:9000/"))).containsExactly(literal("127.0.0.1"));
        assertThat(policy.check(URI.create("http://10.20.3.4/"))).containsExactly(literal("10.20.3.4"));
        assertThat(policy.check(URI.create("http://inside.test/"))).containsExactly(literal("192.168.7.7"));
        assertThatThrownBy(() -> policy.check(URI.create("http://10.21.0.1/")))
                .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        assertThatThrownBy(() -> policy.check(URI.create("http://[::1]/")))
                .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        ReceiverAddressPolicy wide = new ReceiverAddressPolicy(List.of("169.254.0.0/16", "fd00::/8"),
                List.of("metadata.test"), table());
        assertThatThrownBy(() -> wide.check(URI.create("http://169.254.169.254/latest/meta-data/")))
                .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        assertThatThrownBy(() -> wide.check(URI.create("http://[fd00:ec2::254]/")))
                .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        assertThatThrownBy(() -> wide.check(URI.create("http://metadata.test/")))
                .isInstanceOf(ReceiverAddressPolicy.Refused.class);
        assertThat(wide.check(URI.create("http://169.254.10.10/"))).containsExactly(literal("169.254.10.10"));
    }

    @Test
    void a_name_that_rebinds_to_an_inside_address_after_it_was_checked_is_refused_on_the_next_check() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        ReceiverAddressPolicy policy = new ReceiverAddressPolicy(List.of(), List.of(), host -> new InetAddress[]{
                literal(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "169.254.169.254")});
        URI url = URI.create("https://rebinding.test/hook");
        assertThat(policy.check(url)).containsExactly(literal("93.184.215.14")); // at registration
        assertThatThrownBy(() -> policy.check(url)).isInstanceOf(ReceiverAddressPolicy.Refused.class); // delivery
    }

    @Test
    void an_allowlist_entry_that_is_not_a_cidr_block_of_literals_is_refused() {
        assertThatThrownBy(() -> new ReceiverAddressPolicy(List.of("intranet.example"), List.of(), table()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AddressRange.parse("10.9.8.7/8")).isEqualTo(AddressRange.parse("10.0.0.0/8"));
    }

    /** Names to literal addresses; address literals as themselves; anything else does not resolve. */
    private static ReceiverAddressPolicy.Resolver table() {
        Map<String, List<String>> names = Map.of(
                "public.test", List.of("93.184.215.14"),
                "inside.test", List.of("192.168.7.7"),
                "mixed.test", List.of("93.184.215.14", "10.0.0.1"),
                "metadata.test", List.of("169.254.169.254"));
        return host -> {
            List<String> literals = names.get(host.toLowerCase());
            if (literals == null) {
                try {
                    return new InetAddress[]{literal(host)};
                } catch (IllegalArgumentException e) {
                    throw new UnknownHostException(host);
                }
            }
            return literals.stream().map(AddressClassifierTest::literal).toArray(InetAddress[]::new);
        };
    }

    static InetAddress literal(String literal) {
        try {
            return InetAddress.getByAddress(AddressRange.literalBytes(literal));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
