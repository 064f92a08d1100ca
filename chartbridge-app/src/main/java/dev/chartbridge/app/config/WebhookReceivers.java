package dev.chartbridge.app.config;

import dev.chartbridge.core.ChartBridgeException;
import dev.chartbridge.core.webhook.ReceiverAddressPolicy;

import java.net.InetAddress;

/** The webhook receiver address policy a configuration asks for (issue #15: webhooks cannot reach inside). */
public final class WebhookReceivers {
    private WebhookReceivers() {
    }

    /**
     * Public addresses only, plus {@code webhooks.allowNetworks} and {@code webhooks.allowHosts}.
     *
     * @throws ChartBridgeException when an allowNetworks entry is not a CIDR block of address literals
     */
    public static ReceiverAddressPolicy policy(GatewayConfig.WebhookConfig webhooks) {
        if (webhooks == null) {
            return ReceiverAddressPolicy.publicOnly();
        }
        try {
            return new ReceiverAddressPolicy(webhooks.allowNetworks(), webhooks.allowHosts(),
                    InetAddress::getAllByName);
        } catch (IllegalArgumentException e) {
            throw new ChartBridgeException("configuration: webhooks.allowNetworks: " + e.getMessage()
                    + " (give CIDR blocks of IP literals, e.g. 10.20.0.0/16; names go under allowHosts)");
        }
    }
}
