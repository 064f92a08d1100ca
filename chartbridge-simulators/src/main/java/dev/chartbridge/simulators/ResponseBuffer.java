package dev.chartbridge.simulators;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * A response that keeps the body in memory and never commits, so a fault can let the request be fully
 * processed and then throw the answer away. Headers and status still reach the wrapped response but are
 * never sent, because nothing is flushed.
 */
final class ResponseBuffer extends HttpServletResponseWrapper {

  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final ServletOutputStream stream = new ServletOutputStream() {
    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new UnsupportedOperationException("async output is not supported by a discarded response");
    }

    @Override
    public void write(int b) {
      body.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      body.write(b, off, len);
    }
  };
  private final PrintWriter writer =
      new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), false);

  ResponseBuffer(HttpServletResponse response) {
    super(response);
  }

  @Override
  public ServletOutputStream getOutputStream() {
    return stream;
  }

  @Override
  public PrintWriter getWriter() {
    return writer;
  }

  @Override
  public void flushBuffer() {
    writer.flush();
  }

  @Override
  public boolean isCommitted() {
    return false;
  }
}
