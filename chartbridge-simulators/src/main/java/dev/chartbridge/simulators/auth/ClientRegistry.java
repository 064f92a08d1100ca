package dev.chartbridge.simulators.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients registered with one simulator's authorization server, by client id. Registering an id again
 * replaces it. This class is thread-safe.
 */
public final class ClientRegistry {

  private final Map<String, ClientRegistration> clients = new ConcurrentHashMap<>();

  /** Registers (or replaces) {@code client}. */
  public void register(ClientRegistration client) {
    clients.put(client.clientId(), client);
  }

  /** Forgets {@code clientId}; its issued tokens stay valid until they expire or are revoked. */
  public void unregister(String clientId) {
    clients.remove(clientId);
  }

  public Optional<ClientRegistration> find(String clientId) {
    return Optional.ofNullable(clientId).map(clients::get);
  }

  public Collection<ClientRegistration> all() {
    return List.copyOf(clients.values());
  }

  void clear() {
    clients.clear();
  }
}
