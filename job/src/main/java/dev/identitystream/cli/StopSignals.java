package dev.identitystream.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a stop request that a long-running command answers by
 * closing what it opened and returning normally, so the process exits with the command's own code
 * (0 for a clean stop) instead of the JVM's 130 / 143 for a signal that ran shutdown hooks.
 *
 * <p>Contract: {@link #install()} replaces the JVM's handlers of both signals until {@link
 * #close()} restores them. The first signal only records the request ({@link #received()}, {@link
 * #await}); it also puts the JVM's handlers back, so a second Ctrl-C stops the process at once
 * (exit 130) if the clean stop hangs. Where the JVM does not let us handle signals (run with {@code
 * -Xrs}, or no {@code sun.misc.Signal}), installing does nothing and the signals keep their default
 * effect.
 *
 * <p>Threading: {@link #install} and {@link #close} from the command's thread; the handler runs on
 * the JVM's signal thread and only counts down a latch; {@link #received}, {@link #signalName} and
 * {@link #await} from any thread.
 */
public final class StopSignals implements AutoCloseable {

  private static final List<String> SIGNALS = List.of("INT", "TERM");

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Map<Object, Object> previous = new LinkedHashMap<>();
  private volatile String signalName;
  private Method handle;

  private StopSignals() {}

  /** Installs the handlers of SIGINT and SIGTERM; close to restore the previous ones. */
  public static StopSignals install() {
    StopSignals signals = new StopSignals();
    signals.installHandlers();
    return signals;
  }

  /** Whether a stop was requested (by a signal or {@link #requestStop}). */
  public boolean received() {
    return stop.getCount() == 0;
  }

  /** {@code SIGINT} or {@code SIGTERM} once received, else null. */
  public String signalName() {
    return signalName;
  }

  /** Waits until a stop is requested or the timeout passes; true if requested. */
  public boolean await(Duration timeout) throws InterruptedException {
    return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Requests a stop as a signal would (for a command's own reasons, and tests). */
  public void requestStop(String reason) {
    if (signalName == null) {
      signalName = reason;
    }
    stop.countDown();
  }

  /** Puts back the handlers that were there before {@link #install()}. Idempotent. */
  @Override
  public synchronized void close() {
    restore();
  }

  private void onSignal(String name) {
    requestStop("SIG" + name);
    restore(); // a second signal gets the JVM's own handling: stop now
  }

  private synchronized void restore() {
    previous.forEach(this::setHandler);
    previous.clear();
  }

  private synchronized void installHandlers() {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getName = signalClass.getMethod("getName");
      Object handler =
          Proxy.newProxyInstance(
              StopSignals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle" -> onSignal((String) getName.invoke(args[0]));
                  case "hashCode" -> {
                    return System.identityHashCode(proxy);
                  }
                  case "equals" -> {
                    return proxy == args[0];
                  }
                  case "toString" -> {
                    return "StopSignals handler";
                  }
                  default -> {
                    // no other methods
                  }
                }
                return null;
              });
      for (String name : SIGNALS) {
        Object signal = signalClass.getConstructor(String.class).newInstance(name);
        Object old = setHandler(signal, handler);
        if (old != null) {
          previous.put(signal, old);
        }
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      restore(); // signals keep (or get back) the JVM's default handling
    }
  }

  private Object setHandler(Object signal, Object handler) {
    try {
      return handle.invoke(null, signal, handler);
    } catch (InvocationTargetException e) {
      return null; // the JVM does not let us handle this signal (e.g. -Xrs): keep its default
    } catch (IllegalAccessException e) {
      return null;
    }
  }
}
