package io.pktpath.parser.nft;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a NAT statement of a native nftables rule as nft prints it ({@code dnat to 10.244.1.3:8080},
 * {@code dnat ip to ...} in an inet table, {@code snat to ADDR}, {@code masquerade [to :P-Q] [random|fully-random|persistent]},
 * {@code redirect to :PORT}) and writes it as the iptables target with the same effect (nft(8) "NAT statements";
 * iptables-extensions(8) DNAT, SNAT, MASQUERADE, REDIRECT). Maps ({@code dnat to ip saddr map { ... }}) and other
 * forms are refused.
 */
final class NftNatStatement {
    private static final Set<String> FLAGS = Set.of("random", "fully-random", "persistent");
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(-\\d{1,3}(\\.\\d{1,3}){3})?(:\\d+(-\\d+)?)?");
    private static final Pattern V6 = Pattern.compile("\\[[0-9a-fA-F:.]+](:\\d+(-\\d+)?)?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Pattern PORTS = Pattern.compile(":\\d+(-\\d+)?");

    /** What became of a statement. */
    sealed interface Outcome permits Read, Refusal {
    }

    /** A statement read: where the rule goes on, the iptables target text, and the one family it applies to, if any. */
    record Read(int next, String target, Optional<IpFamily> family) implements Outcome {
    }

    /** Why a statement is refused. */
    record Refusal(String reason) implements Outcome {
    }

    private NftNatStatement() {
    }

    /**
     * Reads the statement starting at {@code w[i]} (its keyword); {@code protocol} is the rule's protocol so far (null:
     * none), which a port needs, as nft and iptables both require.
     */
    static Outcome read(List<String> w, int i, String protocol) {
        String keyword = w.get(i);
        int at = i + 1;
        Optional<IpFamily> family = Optional.empty();
        if (at < w.size() && (w.get(at).equals("ip") || w.get(at).equals("ip6"))) {
            family = Optional.of(w.get(at).equals("ip") ? IpFamily.V4 : IpFamily.V6);
            at++;
        }
        String to = null;
        if (at < w.size() && w.get(at).equals("to")) {
            if (at + 1 >= w.size()) {
                return new Refusal("'" + keyword + " to' lacks its address");
            }
            to = w.get(at + 1);
            at += 2;
        }
        boolean random = false;
        boolean fully = false;
        boolean persistent = false;
        while (at < w.size() && isFlags(w.get(at))) {
            for (String f : w.get(at).split(",")) {
                random |= f.equals("random");
                fully |= f.equals("fully-random");
                persistent |= f.equals("persistent");
            }
            at++;
        }
        String flags = (random ? " --random" : "") + (fully ? " --random-fully" : "");
        switch (keyword) {
            case "dnat", "snat" -> {
                if (to == null) {
                    return new Refusal("'" + keyword + "' without 'to ADDRESS' is not in the replayed subset");
                }
                Optional<IpFamily> addressFamily = V4.matcher(to).matches() ? Optional.of(IpFamily.V4)
                        : V6.matcher(to).matches() ? Optional.of(IpFamily.V6) : Optional.empty();
                if (addressFamily.isEmpty()) {
                    return new Refusal("'" + keyword + " to " + to + "' is not an address[:port] (maps are not"
                            + " replayed)");
                }
                if (family.isPresent() && family.get() != addressFamily.get()) {
                    return new Refusal("'" + keyword + " " + w.get(i + 1) + " to " + to + "' names another family");
                }
                if (hasPort(to, addressFamily.get()) && protocol == null) {
                    return new Refusal("'" + keyword + " to " + to + "' maps a port without a protocol match");
                }
                String option = keyword.equals("dnat") ? "DNAT --to-destination " : "SNAT --to-source ";
                return new Read(at, "-j " + option + to + flags + (persistent ? " --persistent" : ""),
                        Optional.of(addressFamily.get()));
            }
            case "masquerade", "redirect" -> {
                String ports = "";
                if (to != null) {
                    if (!PORTS.matcher(to).matches()) {
                        return new Refusal("'" + keyword + " to " + to + "' is not 'to :PORT[-PORT]'");
                    }
                    if (protocol == null) {
                        return new Refusal("'" + keyword + " to " + to + "' maps a port without a protocol match");
                    }
                    ports = " --to-ports " + to.substring(1);
                }
                // persistent chooses among several addresses of a range; masquerade and redirect have one: no effect
                return new Read(at, "-j " + keyword.toUpperCase(java.util.Locale.ROOT) + ports + flags, family);
            }
            default -> {
                return new Refusal("'" + keyword + "' is not a NAT statement");
            }
        }
    }

    private static boolean isFlags(String word) {
        for (String f : word.split(",")) {
            if (!FLAGS.contains(f)) {
                return false;
            }
        }
        return !word.isEmpty();
    }

    private static boolean hasPort(String to, IpFamily family) {
        return family == IpFamily.V4 ? to.contains(":") : to.startsWith("[");
    }
}
