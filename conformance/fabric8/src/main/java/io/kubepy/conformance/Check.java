package io.kubepy.conformance;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Assertions that throw with a message naming what differed, and a bounded wait. */
final class Check {
  private Check() {}

  static void that(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  static void equal(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  /** Runs the call and asserts that the server refused it with this HTTP status. */
  static KubernetesClientException refused(int code, Scenario call, String what) throws Exception {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      equal(code, e.getCode(), what + " (HTTP status; message " + e.getMessage() + ")");
      return e;
    }
    throw new AssertionError(what + ": expected HTTP " + code + " but the call succeeded");
  }

  /** Polls until the condition holds; a wait for an asynchronous effect, not a timing assertion. */
  static void eventually(BooleanSupplier cond, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(50);
    }
  }
}
