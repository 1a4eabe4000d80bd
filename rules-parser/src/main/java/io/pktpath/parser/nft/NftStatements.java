package io.pktpath.parser.nft;

import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.MarkOp;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.RejectWith;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the statements and verdicts of a native nft rule (nft(8) "STATEMENTS", "VERDICT STATEMENT") into iptables
 * targets: {@code counter} and {@code log} (no target: the replay counts every rule), {@code accept}, {@code drop},
 * {@code reject [with ...]} ({@code REJECT --reject-with}), {@code jump}, {@code goto}, {@code return}, {@code meta mark
 * set} ({@code MARK}; {@code meta mark set ct mark [& | ^ V]}: {@code CONNMARK --restore-mark}), {@code ct mark set}
 * ({@code CONNMARK}), {@code notrack} ({@code CT --notrack}) and the NAT statements ({@link NftNatStatement}). A rule
 * has at most one statement and at most one verdict; a verdict may follow a set statement, {@code meta mark set} or
 * {@code ct mark set} (both kept, the statement first, as the kernel runs them), not notrack or a NAT statement; a NAT
 * statement may follow {@code ct mark set}.
 * Each reader returns the index after what it read, -1 when refused, {@code w.size() + 1} when a value is missing.
 */
final class NftStatements {
    private static final Set<String> LOG_OPTIONS = Set.of("prefix", "level", "flags", "group", "snaplen",
            "queue-threshold");
    private static final Map<String, String> ICMPX_V4 = Map.of("port-unreachable", "icmp-port-unreachable",
            "admin-prohibited", "icmp-admin-prohibited", "host-unreachable", "icmp-host-unreachable",
            "no-route", "icmp-net-unreachable");
    private static final Map<String, String> ICMPX_V6 = Map.of("port-unreachable", "icmp6-port-unreachable",
            "admin-prohibited", "icmp6-adm-prohibited", "host-unreachable", "icmp6-addr-unreachable",
            "no-route", "icmp6-no-route");

    /** The operators of nft's bitwise expressions as a listing or a ruleset file writes them. */
    private static final Set<String> BITWISE = Set.of("&", "and", "|", "or", "^", "xor", "<<", "lshift", ">>",
            "rshift");

    private NftStatements() {
    }

    /** {@code counter} at {@code w[i - 1]}, with the {@code packets N bytes M} a listing prints, if any. */
    static int counter(List<String> w, int i) {
        if (i + 3 < w.size() && w.get(i).equals("packets") && w.get(i + 2).equals("bytes")) {
            return i + 4;
        }
        return i;
    }

    /** {@code log} at {@code w[i - 1]}, with its options. */
    static int log(List<String> w, int i) {
        int at = i;
        while (at + 1 < w.size() && LOG_OPTIONS.contains(w.get(at))) {
            at += 2;
        }
        return at;
    }

    /**
     * A verdict: {@code accept}, {@code drop}, {@code return}, {@code jump|goto CHAIN} (of the table), {@code reject};
     * after a set statement or a mark statement it is the rule's verdict once the statement has run.
     */
    static int verdict(NftRuleDraft d, List<String> w, int i) {
        if (!d.takesVerdict()) {
            d.statementBeforeVerdict().ifPresent(k -> d.refuse("'" + w.get(i) + "' after "
                    + k + ": only a set statement (add, update, delete @set), meta mark set or ct mark set is replayed"
                    + " before a verdict"));
            return -1;
        }
        String word = w.get(i);
        switch (word) {
            case "accept" -> d.target(new Accept());
            case "drop" -> d.target(new Drop());
            case "return" -> d.target(new Return());
            case "jump", "goto" -> {
                if (i + 1 >= w.size()) {
                    return w.size() + 1;
                }
                Optional<NftChain> target = d.table().chain(w.get(i + 1).replace("\"", ""));
                if (target.isEmpty()) {
                    return -1;
                }
                // the chain's own name, not the word's copy of it: a table of 30,000 services keeps 250,000 of these
                String chain = target.get().name();
                d.target(word.equals("jump") ? new Jump(chain) : new Goto(chain));
                return i + 2;
            }
            case "reject" -> {
                return reject(d, w, i + 1);
            }
            default -> {
                return -1;
            }
        }
        return i + 1;
    }

    /** The words after {@code reject}: none (the family's default), {@code with tcp reset}, {@code with icmp[x|v6] ...}. */
    private static int reject(NftRuleDraft d, List<String> w, int i) {
        if (i >= w.size() || !w.get(i).equals("with")) {
            d.target(new Reject(RejectWith.defaultFor(d.family()), false));
            return i;
        }
        if (i + 2 < w.size() && w.get(i + 1).equals("tcp") && w.get(i + 2).equals("reset")) {
            d.target(new Reject(RejectWith.TCP_RESET, true));
            if (d.protocol() == null || !d.protocol().equals("tcp")) {
                return -1;
            }
            return i + 3;
        }
        // nft 1.0 prints "reject with icmpx admin-prohibited", older releases "reject with icmpx type admin-prohibited"
        boolean typed = i + 2 < w.size() && w.get(i + 2).equals("type");
        int typeAt = typed ? i + 3 : i + 2;
        if (typeAt >= w.size()) {
            return -1;
        }
        String kind = w.get(i + 1);
        String type = w.get(typeAt);
        String printed = switch (kind) {
            case "icmpx" -> (d.family() == IpFamily.V4 ? ICMPX_V4 : ICMPX_V6).get(type);
            case "icmp" -> "icmp-" + (type.equals("prot-unreachable") ? "proto-unreachable" : type);
            case "icmpv6" -> "icmp6-" + (type.equals("admin-prohibited") ? "adm-prohibited" : type);
            default -> null;
        };
        if (kind.equals("icmp") || kind.equals("icmpv6")) {
            d.onlyFamily(kind.equals("icmp") ? IpFamily.V4 : IpFamily.V6);
        }
        Optional<RejectWith> with = printed == null ? Optional.empty() : rejectWith(printed);
        if (with.isEmpty()) {
            return -1;
        }
        d.target(new Reject(with.get(), true));
        return typeAt + 1;
    }

    private static Optional<RejectWith> rejectWith(String printed) {
        for (RejectWith r : RejectWith.values()) {
            if (r.printed().equals(printed)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code meta nftrace set 1}, from the word after {@code nftrace}: iptables' {@code -j TRACE}, which marks the packet
     * for {@code nft monitor trace} and changes nothing the replay models (the rule goes on).
     */
    static int nftraceSet(NftRuleDraft d, List<String> w, int i) {
        if (d.hasStatementOrVerdict() || i + 1 >= w.size() || !w.get(i).equals("set") || !w.get(i + 1).equals("1")) {
            return -1;
        }
        d.statement("-j TRACE");
        return i + 2;
    }

    /**
     * {@code meta mark set VALUE}, or {@code meta mark set meta mark | V} ({@code or}, {@code ^}/{@code xor},
     * {@code &}/{@code and}; {@code mark set mark or V} as written), from the word after {@code set}: the MARK target,
     * which does not end the rule.
     */
    static int markSet(NftRuleDraft d, List<String> w, int i) {
        if (d.hasStatementOrVerdict()) {
            return -1;
        }
        if (i + 1 < w.size() && w.get(i).equals("ct") && w.get(i + 1).equals("mark")) {
            return markFromCtMark(d, w, i + 2);
        }
        if (i < w.size() && NftSelectors.MARK.matcher(w.get(i)).matches()) {
            d.statement("-j MARK --set-xmark " + w.get(i) + "/0xffffffff");
            return i + 1;
        }
        int at = i < w.size() && w.get(i).equals("meta") ? i + 1 : i;
        if (at + 2 >= w.size() || !w.get(at).equals("mark") || !NftSelectors.MARK.matcher(w.get(at + 2)).matches()) {
            return -1;
        }
        String op = switch (w.get(at + 1)) {
            case "|", "or" -> "--or-mark ";
            case "^", "xor" -> "--xor-mark ";
            case "&", "and" -> "--and-mark ";
            default -> null;
        };
        if (op == null) {
            return -1;
        }
        boolean andThenXor = op.equals("--and-mark ") && at + 4 < w.size()
                && (w.get(at + 3).equals("xor") || w.get(at + 3).equals("^"))
                && NftSelectors.MARK.matcher(w.get(at + 4)).matches();
        if (andThenXor) {
            // iptables' --set-xmark V/M as iptables-nft stores it: mark and ~M xor V
            long keep = Long.decode(w.get(at + 2));
            d.statement("-j MARK --set-xmark " + w.get(at + 4) + "/0x" + Long.toHexString(~keep & 0xffffffffL));
            return at + 5;
        }
        d.statement("-j MARK " + op + w.get(at + 2));
        return at + 3;
    }

    /**
     * {@code ct mark set VALUE}, {@code ct mark set meta mark} or {@code ct mark set meta mark | V} ({@code or},
     * {@code ^}/{@code xor}, {@code &}/{@code and}; {@code mark} without {@code meta} as older nft prints it), from the
     * word after {@code set}: nft_ct's set of the connection's mark, from a constant ({@code CONNMARK --set-xmark
     * V/0xffffffff}) or from the packet's mark through nft's bitwise {@code (mark & mask) ^ xor} ({@code |} is mask
     * {@code ~V}, xor {@code V}), which is {@code CONNMARK --save-mark} with that mask and xor. The packet's mark is
     * unchanged; without a conntrack entry nothing is set. It may be the rule's only statement or come before its verdict
     * or its NAT statement (netavark's {@code ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80}).
     */
    static int ctMarkSet(NftRuleDraft d, List<String> w, int i) {
        if (i >= w.size()) {
            return w.size() + 1;
        }
        if (d.hasStatementOrVerdict()) {
            d.refuse("'ct mark set " + w.get(i) + "' follows another statement or verdict: one statement per rule is"
                    + " replayed");
            return -1;
        }
        long all = 0xffffffffL;
        if (NftSelectors.MARK.matcher(w.get(i)).matches()) {
            if (i + 1 < w.size() && BITWISE.contains(w.get(i + 1))) {
                return refuseCtMarkSet(d, w, i);
            }
            long value = Long.decode(w.get(i)) & all;
            d.ctMarkStatement(new Connmark(Connmark.Mode.SET, value, all, all, all, MarkOp.SET_XMARK));
            return i + 1;
        }
        int at = w.get(i).equals("meta") ? i + 1 : i;
        if (at >= w.size() || !w.get(at).equals("mark")) {
            return refuseCtMarkSet(d, w, i);
        }
        if (at + 1 < w.size() && BITWISE.contains(w.get(at + 1))
                && (at + 2 >= w.size() || !NftSelectors.MARK.matcher(w.get(at + 2)).matches())) {
            return refuseCtMarkSet(d, w, i);
        }
        if (at + 2 >= w.size() || !NftSelectors.MARK.matcher(w.get(at + 2)).matches()) {
            d.ctMarkStatement(new Connmark(Connmark.Mode.SAVE, 0, 0, all, all, MarkOp.SET_XMARK));
            return at + 1;
        }
        long[] maskXor = maskXor(w.get(at + 1), Long.decode(w.get(at + 2)) & all);
        if (maskXor == null) {
            return refuseCtMarkSet(d, w, i);
        }
        d.ctMarkStatement(new Connmark(Connmark.Mode.SAVE, maskXor[1], 0, maskXor[0], all, MarkOp.SET_XMARK));
        return at + 3;
    }

    /**
     * nft's bitwise {@code (x & mask) ^ xor} for {@code x OP v} as {mask, xor} ({@code |} is mask {@code ~v}, xor
     * {@code v}; {@code ^} is mask 0xffffffff, xor {@code v}; {@code &} is mask {@code v}, xor 0), null for a shift.
     */
    private static long[] maskXor(String op, long v) {
        long all = 0xffffffffL;
        return switch (op) {
            case "|", "or" -> new long[] {~v & all, v};
            case "^", "xor" -> new long[] {all, v};
            case "&", "and" -> new long[] {v, 0};
            default -> null;
        };
    }

    private static int refuseCtMarkSet(NftRuleDraft d, List<String> w, int i) {
        d.refuse("'ct mark set " + String.join(" ", w.subList(i, Math.min(w.size(), i + 4)))
                + "': only ct mark set VALUE and ct mark set meta mark [| & ^ VALUE] are replayed");
        return -1;
    }

    /**
     * {@code meta mark set ct mark [& | ^ VALUE]}, {@code w[i]} the word after {@code ct mark}: the packet's mark becomes
     * the connection's through nft's bitwise {@code (ctmark & mask) ^ xor} (nft_ct's get, nft_bitwise, then nft_meta's
     * set of all 32 bits: the packet's other bits are replaced, not kept, as samples/recorder/checks/
     * nft-ct-mark-bitwise.sh showed), as {@code CONNMARK --restore-mark} with nfmask 0xffffffff, that mask as ctmask
     * and that xor ({@code mark = (mark & ~nfmask) ^ ((ctmark & ctmask) ^ xor)}). Without a conntrack entry nft's ct
     * expression breaks the rule: the mark stays, a verdict after it is not taken and the rule does not count; the rule
     * therefore also matches {@code -m conntrack ! --ctstate INVALID,UNTRACKED} (the packet has an entry). A shift, a
     * second operator or a NAT statement after it is refused.
     */
    private static int markFromCtMark(NftRuleDraft d, List<String> w, int i) {
        long all = 0xffffffffL;
        long[] maskXor = {all, 0};
        int next = i;
        if (i < w.size() && BITWISE.contains(w.get(i))) {
            boolean one = i + 1 < w.size() && NftSelectors.MARK.matcher(w.get(i + 1)).matches()
                    && !(i + 2 < w.size() && BITWISE.contains(w.get(i + 2)));
            maskXor = one ? maskXor(w.get(i), Long.decode(w.get(i + 1)) & all) : null;
            if (maskXor == null) {
                d.refuse("'meta mark set ct mark " + String.join(" ", w.subList(i, Math.min(w.size(), i + 3)))
                        + "': only meta mark set ct mark [& | ^ VALUE] (one operator and a number) is replayed");
                return -1;
            }
            next = i + 2;
        }
        d.addTail("-m conntrack ! --ctstate INVALID,UNTRACKED");
        d.ctMarkStatement(new Connmark(Connmark.Mode.RESTORE, maskXor[1], 0, all, maskXor[0], MarkOp.SET_XMARK));
        return next;
    }

    /**
     * {@code notrack} at {@code w[i]}: the packet gets no conntrack entry (nft_notrack: it reads {@code ct state
     * untracked} from then on), as iptables' {@code CT --notrack}, which does not end the rule either. It only takes
     * effect before conntrack's lookup; which chains may hold it {@link NftNativeReplay} decides.
     */
    static int notrack(NftRuleDraft d, int i) {
        if (d.hasStatementOrVerdict()) {
            return -1;
        }
        d.statement("-j CT --notrack");
        return i + 1;
    }

    /** A NAT statement ({@link NftNatStatement}); the rule's only statement or verdict. */
    static int nat(NftRuleDraft d, List<String> w, int i) {
        if (d.restoresMark()) {
            d.refuse("'" + w.get(i) + "' after meta mark set ct mark: only a verdict is replayed after it");
            return -1;
        }
        if (d.hasAction()) {
            return -1;
        }
        NftNatStatement.Outcome o = NftNatStatement.read(w, i, d.protocol());
        if (o instanceof NftNatStatement.Refusal r) {
            d.refuse(r.reason());
            return -1;
        }
        NftNatStatement.Read read = (NftNatStatement.Read) o;
        read.family().ifPresent(d::onlyFamily);
        d.statement(read.target());
        return read.next();
    }
}
