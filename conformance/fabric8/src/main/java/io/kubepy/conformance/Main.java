package io.kubepy.conformance;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the named scenarios against a live apiserver, in order, printing one line each:
 * {@code PASS name} or {@code FAIL name: reason}. The exit code is the number of failures.
 *
 * <p>Usage: {@code java -jar fabric8-conformance.jar [--restart-via-stdio] SERVER_URL BOOK_DIR
 * [scenario...]}; with no scenario named, every scenario runs. Later scenarios build on earlier ones
 * (the book's chapter 3 sequence creates, lists, replaces, patches and deletes the same Pods).
 * {@code --restart-via-stdio} adds the scenario whose runner restarts the server on request.
 */
public final class Main {
  private Main() {}

  /** Every scenario, in the order the book's programs (then the fabric8 idioms) run. */
  static Map<String, Scenario> scenarios(KubernetesClient client, Book book, boolean restartable) {
    Map<String, Scenario> all = new LinkedHashMap<>();
    BookScenarios.register(all, client, book);
    IdiomScenarios.register(all, client, book);
    WatchScenarios.register(all, client);
    if (restartable) {
      RestartScenario.register(all, client);
    }
    return all;
  }

  public static void main(String[] argv) {
    boolean restartable = argv.length > 0 && argv[0].equals("--restart-via-stdio");
    String[] args = restartable ? Arrays.copyOfRange(argv, 1, argv.length) : argv;
    if (args.length < 2) {
      System.err.println("usage: fabric8-conformance [--restart-via-stdio] SERVER_URL BOOK_DIR [scenario...]");
      System.exit(2);
    }
    // Config.empty(): no ~/.kube/config, no service-account token, no env overrides.
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(args[0])
            .withRequestTimeout(20_000)
            .withConnectionTimeout(10_000)
            .withRequestRetryBackoffLimit(0)
            .withWatchReconnectInterval(250) // the restart scenario need not wait out 1 s backoffs
            .build();
    int failures;
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Map<String, Scenario> all = scenarios(client, new Book(Path.of(args[1])), restartable);
      List<String> wanted = args.length > 2 ? List.of(args).subList(2, args.length) : new ArrayList<>(all.keySet());
      failures = run(all, wanted);
    }
    System.out.flush();
    System.exit(failures);
  }

  static int run(Map<String, Scenario> all, List<String> wanted) {
    int failures = 0;
    for (String name : wanted) {
      Scenario s = all.get(name);
      String reason = null;
      if (s == null) {
        reason = "no such scenario";
      } else {
        try {
          s.run();
        } catch (Throwable e) {
          reason = describe(e);
        }
      }
      if (reason == null) {
        System.out.println("PASS " + name);
      } else {
        failures++;
        System.out.println("FAIL " + name + ": " + reason.replace('\n', ' '));
      }
      System.out.flush();
    }
    return failures;
  }

  /** The exception's class and message, with the root cause's when that says something else. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e && root.getMessage() != null && !root.getMessage().equals(e.getMessage())) {
      out.append(" (cause ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
    }
    return out.toString();
  }
}
