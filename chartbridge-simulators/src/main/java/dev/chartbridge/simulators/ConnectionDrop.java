package dev.chartbridge.simulators;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * Ends a request's TCP connection without sending any response, as a crashed server or a broken network
 * would. The servlet API has no such call, so this reaches Jetty's {@link EndPoint} under the request.
 */
final class ConnectionDrop {

  private ConnectionDrop() {}

  /** Closes the connection with a FIN: the client reads end-of-stream instead of a response. */
  static void close(HttpServletRequest request) {
    endPoint(request).close();
  }

  /** Closes the connection with a TCP RST (SO_LINGER 0): the client sees "connection reset". */
  static void reset(HttpServletRequest request) {
    EndPoint endPoint = endPoint(request);
    if (endPoint.getTransport() instanceof SocketChannel channel) {
      try {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException | UnsupportedOperationException e) {
        // Fall back to a plain close: the client still gets no response.
      }
    }
    endPoint.close();
  }

  private static EndPoint endPoint(HttpServletRequest request) {
    return ServletContextRequest.getServletContextRequest(request)
        .getConnectionMetaData()
        .getConnection()
        .getEndPoint();
  }
}
