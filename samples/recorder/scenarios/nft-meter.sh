#!/usr/bin/env bash
# nft-meter: per-element stateful expressions in nft dynamic sets and a meter, in a native `table inet pkp_nmet` input
# chain (priority filter + 10), fed paced, bounded traffic from two clients on the uplink (172.18.0.1 = A, 172.18.0.11 =
# B): `add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } drop` against TCP SYNs to 22,
# `add @connlimit4 { ip saddr ct count over 2 } drop` against new UDP flows to 5005, `add @quota4 { ip saddr quota over
# 300 bytes } drop` against UDP 5006, `update @tiny { ip saddr limit ... }` on a set of size 1 (UDP 5007: the second
# source finds it full), `add @short` and `update @short2` on sets with a 2 s timeout (UDP 5008, 5009: an element that
# expires is created again with a fresh bucket; update refreshes it), and `meter dnsflood size 128 { ip saddr timeout 10s
# limit rate over 5/second } drop` against UDP 53, `meter perport size 16 { ip saddr . udp dport limit rate over 1/minute
# burst 1 packets } drop` against UDP 5010-5011 (a concatenated key), and a rule-level `limit` before a port test (UDP
# 5020-5021: tokens spent on packets the port test then turns away). iptables holds only the TRACE rules; nft-trace.txt is `nft monitor
# trace`, nft-sets-before.txt / nft-sets-after.txt every set's and the meter's elements (lines behind "# "), nft-ruleset.txt
# `nft -a list ruleset` after the traffic (its counters), nft-ruleset.json `nft -j list ruleset` then.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nmet"
pkp_init nft-meter
source "$PKP_LIB_DIR/lib-extra.sh"
[[ "$NODE_NS" == pkp-nmet-* ]] || die "unexpected namespace name $NODE_NS"

A=172.18.0.1; B=172.18.0.11
make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$B/24" dev eth0
env_put UPLINK_IP2 "$B"
load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_nmet {
	set ratelimit4 { type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }
	set connlimit4 { type ipv4_addr; size 65535; flags dynamic; }
	set quota4 { type ipv4_addr; size 65535; flags dynamic; }
	set tiny { type ipv4_addr; size 1; flags dynamic,timeout; timeout 1m; }
	set short { type ipv4_addr; flags dynamic,timeout; timeout 2s; }
	set short2 { type ipv4_addr; flags dynamic,timeout; timeout 2s; }
	chain input {
		type filter hook input priority filter + 10; policy accept;
		tcp dport 22 ct state new add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } counter drop
		tcp dport 22 ct state new counter accept
		udp dport 5005 ct state new add @connlimit4 { ip saddr ct count over 2 } counter drop
		udp dport 5006 add @quota4 { ip saddr quota over 300 bytes } counter drop
		udp dport 5007 update @tiny { ip saddr limit rate over 1/minute burst 1 packets } counter drop
		udp dport 5008 add @short { ip saddr limit rate over 1/minute burst 1 packets } counter drop
		udp dport 5009 update @short2 { ip saddr limit rate over 1/minute burst 1 packets } counter drop
		udp dport 53 meter dnsflood size 128 { ip saddr timeout 10s limit rate over 5/second } counter drop
		udp dport 5010-5011 meter perport size 16 { ip saddr . udp dport limit rate over 1/minute burst 1 packets } counter drop
		udp dport 5020-5021 limit rate 1/minute burst 2 packets udp dport 5020 counter accept
		udp dport 5020-5021 counter drop
	}
}
N
b_nft_load "$WORK/native.nft"
b_serve node tcp 22 40
for p in 53 5005 5006 5007 5008 5009 5010 5011 5020 5021; do b_serve node udp "$p" 40; done

# sender: "OFFSET SRC PROTO SPORT DPORT IPLEN" lines on stdin, one datagram or one connection attempt each at its offset
# from the start (bounded, paced); a TCP attempt waits 0.25 s for the handshake (a dropped SYN is retransmitted after
# 1 s only: never within it) and closes
SENDER="$(cat <<'PY'
import socket, sys, time
plan = [l.split() for l in sys.stdin if l.strip()]
assert len(plan) <= 60
t0 = time.time()
for off, src, proto, sport, dport, iplen in plan:
    time.sleep(max(0.0, t0 + float(off) - time.time()))
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    if proto == "tcp":
        s.settimeout(0.25)
        try:
            s.connect((sys.argv[1], int(dport)))
            result = "connected"
        except OSError as e:
            result = "no answer (%s)" % type(e).__name__
    else:
        s.sendto(b"x" * (int(iplen) - 28), (sys.argv[1], int(dport)))
        result = "sent"
    s.close()
    print("%s %s:%s > %s len %s at +%.3f s: %s" % (proto, src, sport, dport, iplen, time.time() - t0, result), flush=True)
PY
)"
plan() {
  local t
  # 1. SYNs to 22 (limit over 3/minute burst 2 per source): A five, B two, A one more
  local sp=41001
  for t in 0 0.3 0.6 0.9 1.2; do echo "$t $A tcp $sp 22 60"; sp=$((sp + 1)); done
  echo "1.5 $B tcp 41150 22 60"; echo "1.8 $B tcp 41180 22 60"; echo "2.1 $A tcp 41210 22 60"
  # 2. new UDP flows to 5005 (ct count over 2 per source): A four, B one
  echo "3.0 $A udp 42001 5005 60"; echo "3.15 $A udp 42002 5005 60"; echo "3.3 $A udp 42003 5005 60"
  echo "3.45 $A udp 42004 5005 60"; echo "3.6 $B udp 43001 5005 60"
  # 3. UDP 5006 (quota over 300 bytes per source), datagrams of 100 bytes: A five, B two
  for t in 4.0 4.1 4.2 4.3 4.4; do echo "$t $A udp 42006 5006 100"; done
  echo "4.5 $B udp 43006 5006 100"; echo "4.6 $B udp 43006 5006 100"
  # 4. UDP 5007 (update @tiny, size 1): A three, then B two (the set is full)
  echo "5.0 $A udp 42007 5007 60"; echo "5.2 $A udp 42007 5007 60"; echo "5.4 $A udp 42007 5007 60"
  echo "5.6 $B udp 43007 5007 60"; echo "5.8 $B udp 43007 5007 60"
  # 5. UDP 5008 (add @short, timeout 2s) and 5009 (update @short2, timeout 2s), from A
  echo "6.0 $A udp 42008 5008 60"; echo "6.1 $A udp 42009 5009 60"; echo "6.3 $A udp 42008 5008 60"
  echo "6.4 $A udp 42009 5009 60"; echo "7.6 $A udp 42009 5009 60"; echo "8.5 $A udp 42008 5008 60"
  echo "9.0 $A udp 42009 5009 60"
  # 6. UDP 53 (meter dnsflood: limit over 5/second per source): A ten 0.05 s apart, B three
  for i in 0 1 2 3 4 5 6 7 8 9; do echo "10.$((i * 5 / 10))$((i * 5 % 10)) $A udp 42053 53 60"; done
  echo "10.6 $B udp 43053 53 60"; echo "10.7 $B udp 43053 53 60"; echo "10.8 $B udp 43053 53 60"
  # 7. UDP 5010 and 5011 (meter perport: a limit per source and port, over 1/minute burst 1)
  echo "11.2 $A udp 42010 5010 60"; echo "11.4 $A udp 42010 5010 60"; echo "11.6 $A udp 42011 5011 60"
  echo "11.8 $B udp 43010 5010 60"; echo "12.0 $A udp 42011 5011 60"
  # 8. UDP 5021, then 5020 twice (a limit before the port test: the datagram to 5021 pays a token too)
  echo "12.3 $A udp 42021 5021 60"; echo "12.5 $A udp 42020 5020 60"; echo "12.7 $A udp 42020 5020 60"
}
plan > "$WORK/plan.txt"
cp "$WORK/plan.txt" "$BUNDLE/plan.txt"
# list_sets: every set's and the meter's elements, each line behind "# " (a bundle file of several `table` blocks would
# be read as the nft ruleset: this one is a record for the reader, ignored by pktpath)
list_sets() {
  local s
  {
    for s in ratelimit4 connlimit4 quota4 tiny short short2; do nsx "$NODE_NS" nft list set inet pkp_nmet "$s"; done
    nsx "$NODE_NS" nft list meter inet pkp_nmet dnsflood
    nsx "$NODE_NS" nft list meter inet pkp_nmet perport
  } | sed 's/^/# /'
}

sleep 1
list_sets > "$BUNDLE/nft-sets-before.txt"
snapshot_state before
start_capture; start_trace nft
timeout 20 ip netns exec "$UPLINK_NS" python3 -c "$SENDER" "$NODE_IP" < "$WORK/plan.txt" > "$WORK/sent.txt"
sleep 0.5
list_sets > "$BUNDLE/nft-sets-after.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j list ruleset > "$BUNDLE/nft-ruleset.json"
nsx "$NODE_NS" nft --debug=netlink list chain inet pkp_nmet input 2>&1 | grep -E '^ *\[ dynset' > "$WORK/dynset.txt"
cp "$WORK/sent.txt" "$BUNDLE/sent.txt"
sed 's/^/[up] /' "$WORK/sent.txt" > "$WORK/probes.txt"
b_keep_probes

# the native chain's decision for each TCP SYN and UDP datagram, in trace order
nft_decisions 'inet pkp_nmet input' src > "$WORK/decisions.txt"
pattern() { grep -E -- "$1" "$WORK/decisions.txt" | awk '{print ($NF == "drop") ? "D" : "a"}' | paste -sd' ' -; }
p22a=$(pattern "tcp $A:[0-9]+>22 "); p22b=$(pattern "tcp $B:[0-9]+>22 ")
pca=$(pattern "$A:[0-9]+>5005 "); pcb=$(pattern "$B:[0-9]+>5005 ")
pqa=$(pattern "$A:[0-9]+>5006 "); pqb=$(pattern "$B:[0-9]+>5006 ")
pta=$(pattern "$A:[0-9]+>5007 "); ptb=$(pattern "$B:[0-9]+>5007 ")
ps=$(pattern ">5008 "); ps2=$(pattern ">5009 ")
pma=$(pattern "$A:[0-9]+>53 "); pmb=$(pattern "$B:[0-9]+>53 ")
ppa0=$(pattern "$A:[0-9]+>5010 "); ppa1=$(pattern "$A:[0-9]+>5011 "); ppb0=$(pattern "$B:[0-9]+>5010 ")
pafter=$(pattern ">502[01] ")
cp "$WORK/decisions.txt" "$BUNDLE/decisions.txt"
log "22 A=$p22a B=$p22b; 5005 A=$pca B=$pcb; 5006 A=$pqa B=$pqb; 5007 A=$pta B=$ptb; 5008 $ps; 5009 $ps2;" \
  "53 A=$pma B=$pmb; 5010 A=$ppa0 B=$ppb0; 5011 A=$ppa1; 5021 5020 5020: $pafter"

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
[ "$p22a" = "a a D D D D" ] || b_fail "SYNs from A to 22: $p22a, expected a a D D D D"
[ "$p22b" = "a a" ] || b_fail "SYNs from B to 22: $p22b, expected a a"
[ "$pca" = "a a D D" ] && [ "$pcb" = "a" ] || b_fail "ct count over 2: A $pca B $pcb, expected a a D D and a"
[ "$pqa" = "a a a D D" ] && [ "$pqb" = "a a" ] || b_fail "quota over 300 bytes: A $pqa B $pqb"
[ "$pta" = "a D D" ] && [ "$ptb" = "a a" ] || b_fail "the set of size 1: A $pta B $ptb, expected a D D and a a"
[ "$ps" = "a D a" ] || b_fail "add @short (timeout 2s): $ps, expected a D a"
[ "$ps2" = "a D D D" ] || b_fail "update @short2 (timeout 2s): $ps2, expected a D D D"
[ "$pmb" = "a a a" ] || b_fail "meter, B: $pmb, expected a a a"
case "$pma" in *D*) ;; *) b_fail "meter, A: $pma, expected some drops" ;; esac
[ "$ppa0" = "a D" ] && [ "$ppa1" = "a D" ] && [ "$ppb0" = "a" ] || b_fail "meter perport: A 5010 $ppa0, 5011 $ppa1, B $ppb0"
[ "$pafter" = "D a D" ] || b_fail "limit before the port test: $pafter, expected D a D (the datagram to 5021 paid too)"
grep -q 'table inet pkp_nmet' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"

# ------------------------------------------------------------------ README
{
  echo "# nft-meter: per-element \`limit\`, \`ct count\` and \`quota\` in nft dynamic sets and a meter"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $A/24 (client A) with a second address $B/24 (client B)."
  echo "Servers on the node answer on TCP 22 and UDP 53, 5005-5009. iptables holds only the raw TRACE rules (every"
  echo "policy ACCEPT). The native table (nft-input.txt, loaded with \`nft -f\` a second before the traffic):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (plan.txt: offset, source, protocol, source port, port, IP length; sent.txt what was sent)"
  echo
  echo '```'; cat "$WORK/plan.txt"; echo '```'
  echo
  echo "## What the kernel did (nft-trace.txt; a: let through, D: dropped, per source in order)"
  echo
  echo "- SYNs to 22, \`add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets }\`: A \`$p22a\`, B \`$p22b\`."
  echo "- New UDP flows to 5005, \`add @connlimit4 { ip saddr ct count over 2 }\`: A \`$pca\`, B \`$pcb\`."
  echo "- UDP 5006 (100 bytes each), \`add @quota4 { ip saddr quota over 300 bytes }\`: A \`$pqa\`, B \`$pqb\`."
  echo "- UDP 5007, \`update @tiny\` (size 1): A \`$pta\`, B \`$ptb\`."
  echo "- UDP 5008, \`add @short\` (timeout 2s): A \`$ps\`; UDP 5009, \`update @short2\` (timeout 2s): A \`$ps2\`."
  echo "- UDP 53, \`meter dnsflood size 128 { ip saddr timeout 10s limit rate over 5/second }\`: A \`$pma\`, B \`$pmb\`."
  echo "- UDP 5010-5011, \`meter perport size 16 { ip saddr . udp dport limit rate over 1/minute burst 1 packets }\`: A to"
  echo "  5010 \`$ppa0\`, A to 5011 \`$ppa1\` (an element per source and port), B to 5010 \`$ppb0\`."
  echo "- UDP 5021, 5020, 5020 against \`udp dport 5020-5021 limit rate 1/minute burst 2 packets udp dport 5020 accept\`"
  echo "  then \`udp dport 5020-5021 drop\`: \`$pafter\`: the datagram to 5021 paid one of the bucket's two packets"
  echo "  before its port turned it away (nft evaluates a rule's expressions in order), so the second to 5020 found none."
  echo
  echo "What that shows of nft_dynset (kernel $(uname -r)):"
  echo
  echo "- Each source has its own element and its own expression, cloned from the rule's template when the element is"
  echo "  created by the packet that first needs it: a fresh limit is full (A's first two SYNs passed with burst 2, and"
  echo "  B's two after A was over), a fresh ct count has no connection, a fresh quota has consumed nothing."
  echo "- The element's expression is evaluated for every packet that reaches the statement, and the statement's result"
  echo "  decides whether the rule goes on to its counter and verdict (over the limit, the count or the quota: drop)."
  echo "- A full set (size 1, holding A): B's element cannot be created, and the statement then ends the rule as a"
  echo "  mismatch: B's datagrams were never dropped."
  echo "- \`add\` does not refresh an element's timeout: A's element in @short expired 2 s after it was created and the"
  echo "  datagram at +8.5 s created it again with a full bucket (passed). \`update\` refreshes it: @short2's element,"
  echo "  refreshed at +7.6 s, still held the empty bucket at +9.0 s (dropped)."
  echo "- The meter is a set of its own that \`nft list ruleset\` does not show (\`nft list meter\` does); nft gives it"
  echo "  \`dynset update\` when its key has a timeout (\`dynset add\` otherwise), so each packet refreshes the element."
  echo "  \`nft --debug=netlink list chain\` shows each statement's dynset:"
  echo
  echo '```'; sed 's/^ */  /' "$WORK/dynset.txt"; echo '```'
  echo
  echo "- A quota element's \`used\` in the listing stops at the quota (A's is 300 after 500 bytes reached it)."
  echo
  echo '```'
  sed 's/^/  /' "$WORK/decisions.txt"
  echo '```'
  echo
  echo "The sets and the meter after the traffic (nft-sets-after.txt), and the rules' counters:"
  echo
  echo '```'
  grep -E 'elements|^# \s+[0-9]' "$BUNDLE/nft-sets-after.txt" | sed 's/^# \t*/  /'
  grep -E 'counter' "$BUNDLE/nft-ruleset.txt" | sed 's/^\t*/  /'
  echo '```'
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
