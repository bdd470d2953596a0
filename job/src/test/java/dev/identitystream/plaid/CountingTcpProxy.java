package dev.identitystream.plaid;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP relay for tests that counts the bytes it passes from the server to the client:
 * shows how much of a response a client actually pulled off the wire. The relay's own buffers are
 * small; the kernel's socket buffers still hold a few MiB, so compare against much larger bodies.
 *
 * <p>Threading: one acceptor thread and two pump threads per connection; counters are atomic and
 * may be read from any thread. {@link #close()} stops everything.
 */
final class CountingTcpProxy implements AutoCloseable {

  private static final int BUFFER = 16 * 1024;

  private final int targetPort;
  private final ServerSocket listener;
  private final ExecutorService threads = Executors.newCachedThreadPool(CountingTcpProxy::daemon);
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesToClient = new AtomicLong();
  private final AtomicInteger openConnections = new AtomicInteger();
  private volatile boolean closed;

  private CountingTcpProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback", e);
    }
    threads.execute(this::acceptLoop);
  }

  /** Relays {@code 127.0.0.1:<free port>} to {@code 127.0.0.1:targetPort}. */
  static CountingTcpProxy to(int targetPort) {
    return new CountingTcpProxy(targetPort);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Bytes relayed from the server to the client so far. */
  long bytesToClient() {
    return bytesToClient.get();
  }

  /** Client connections whose relay has not ended. */
  int openConnections() {
    return openConnections.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setSendBufferSize(BUFFER);
        server.setReceiveBufferSize(BUFFER);
        sockets.add(client);
        sockets.add(server);
        openConnections.incrementAndGet();
        AtomicInteger pumps = new AtomicInteger(2);
        Runnable ended =
            () -> {
              if (pumps.decrementAndGet() == 0) {
                openConnections.decrementAndGet();
              }
            };
        threads.execute(() -> pump(client, server, null, ended));
        threads.execute(() -> pump(server, client, bytesToClient, ended));
      } catch (IOException e) {
        if (!closed) {
          throw new UncheckedIOException("proxy accept failed", e);
        }
      }
    }
  }

  /** Copies until either side ends, then closes both (ending the opposite pump too). */
  private static void pump(Socket from, Socket to, AtomicLong counter, Runnable ended) {
    byte[] buffer = new byte[BUFFER];
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        if (counter != null) {
          counter.addAndGet(n);
        }
      }
    } catch (IOException expected) {
      // one side closed or reset the connection
    } finally {
      ended.run();
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
    threads.shutdownNow();
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "counting-tcp-proxy");
    thread.setDaemon(true);
    return thread;
  }
}
