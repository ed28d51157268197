package io.kubepy.conformance;

/** One named check; it passes when run() returns and fails with whatever it throws. */
@FunctionalInterface
interface Scenario {
  void run() throws Exception;
}
