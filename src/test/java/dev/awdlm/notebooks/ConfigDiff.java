package dev.awdlm.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.Json;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The config keys on which two effective configurations differ. */
final class ConfigDiff {
  private ConfigDiff() {}

  static Set<String> differing(AwdlmConfig a, AwdlmConfig b) {
    Map<String, String> x = flat(a);
    Map<String, String> y = flat(b);
    Set<String> keys = new TreeSet<>(x.keySet());
    keys.addAll(y.keySet());
    return keys.stream().filter(k -> !Objects.equals(x.get(k), y.get(k))).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every leaf of the config as key = value. */
  private static Map<String, String> flat(AwdlmConfig c) {
    Map<String, String> out = new TreeMap<>();
    flatten("", Json.tree(c.json()), out);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
    } else {
      out.put(prefix, node.toString());
    }
  }
}
