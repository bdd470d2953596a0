package dev.identitystream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks TCP ports that are free on 127.0.0.1 at the time of the call. */
final class FreePorts {

  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private FreePorts() {}

  /** Whether a server could listen on {@code port} of 127.0.0.1 right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Returns {@code count} distinct ports that were free a moment ago. Another process may still
   * take one before the broker binds it; callers then fail to start and may retry.
   */
  static List<Integer> pick(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(LOOPBACK));
        socket.setReuseAddress(true);
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return List.copyOf(ports);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Nothing to do: the port is released either way.
        }
      }
    }
  }
}
