package dev.chartbridge.simulators;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last requests a simulator received (at most {@value #CAPACITY}), so a test can assert exactly what an
 * adapter sent (golden payloads). Thread-safe.
 */
public final class RequestJournal {
  static final int CAPACITY = 1000;

  private final Deque<RecordedRequest> requests = new ArrayDeque<>();

  synchronized void record(RecordedRequest request) {
    if (requests.size() == CAPACITY) {
      requests.removeFirst();
    }
    requests.addLast(request);
  }

  /** Every recorded request, oldest first. */
  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** The recorded requests with this method whose path starts with {@code pathPrefix}, oldest first. */
  public synchronized List<RecordedRequest> matching(String method, String pathPrefix) {
    return requests.stream().filter(r -> r.method().equals(method) && r.pathAndQuery().startsWith(pathPrefix))
        .toList();
  }

  public synchronized void clear() {
    requests.clear();
  }
}
