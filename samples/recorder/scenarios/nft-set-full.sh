#!/usr/bin/env bash
# nft-set-full: plain set statements (no stateful expression) on a full dynamic set, in a native `table inet pkp_fs`
# input chain (priority filter + 10, policy accept), fed paced, bounded UDP from four clients on the uplink
# (172.18.0.1 = A, .11 = B, .12 = C, .13 = D), on `set s { type ipv4_addr; size 2; flags dynamic,timeout; timeout 30s }`:
# `udp dport 7001 add @s { ip saddr } counter accept` then `udp dport 7001 counter drop`, and `udp dport 7002 update
# @s { ip saddr } counter accept` then `udp dport 7002 counter drop`. Each client sends two datagrams to 7001 (A and B
# fill the set; C's and D's inserts fail, nft_dynset breaks the rule, and the next rule drops them), then A (in the
# set) and D (not) one to 7002. iptables holds only the TRACE rules; nft-trace.txt is `nft monitor trace`,
# nft-set-after.txt the set's elements (lines behind "# "), nft-ruleset.txt `nft -a list ruleset` after the traffic (its
# counters), nft-ruleset.json `nft -j list ruleset`.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="fs"
pkp_init nft-set-full
source "$PKP_LIB_DIR/lib-extra.sh"
[[ "$NODE_NS" == pkp-fs-* ]] || die "unexpected namespace name $NODE_NS"

A=172.18.0.1; B=172.18.0.11; C=172.18.0.12; D=172.18.0.13
make_node_ns; make_uplink_ns
for x in "$B" "$C" "$D"; do ip -n "$UPLINK_NS" addr add "$x/24" dev eth0; done
env_put UPLINK_IP2 "$B"; env_put UPLINK_IP3 "$C"; env_put UPLINK_IP4 "$D"
load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_fs {
	set s { type ipv4_addr; size 2; flags dynamic,timeout; timeout 30s; }
	chain input {
		type filter hook input priority filter + 10; policy accept;
		udp dport 7001 add @s { ip saddr } counter accept
		udp dport 7001 counter drop
		udp dport 7002 update @s { ip saddr } counter accept
		udp dport 7002 counter drop
	}
}
N
b_nft_load "$WORK/native.nft"
for p in 7001 7002; do b_serve node udp "$p" 30; done

# sender: "OFFSET SRC SPORT DPORT" lines on stdin, one datagram of 60 bytes (IP length) each at its offset from the
# start (bounded, paced)
SENDER="$(cat <<'PY'
import socket, sys, time
plan = [l.split() for l in sys.stdin if l.strip()]
assert len(plan) <= 20
t0 = time.time()
for off, src, sport, dport in plan:
    time.sleep(max(0.0, t0 + float(off) - time.time()))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.sendto(b"x" * 32, (sys.argv[1], int(dport)))
    s.close()
    print("udp %s:%s > %s len 60 at +%.3f s" % (src, sport, dport, time.time() - t0), flush=True)
PY
)"
plan() {
  echo "0.0 $A 42001 7001"; echo "0.2 $A 42001 7001"; echo "0.4 $B 43001 7001"; echo "0.6 $B 43001 7001"
  echo "0.8 $C 44001 7001"; echo "1.0 $C 44001 7001"; echo "1.2 $D 45001 7001"; echo "1.4 $D 45001 7001"
  echo "1.8 $A 42002 7002"; echo "2.0 $D 45002 7002"
}
plan > "$WORK/plan.txt"; cp "$WORK/plan.txt" "$BUNDLE/plan.txt"
list_set() { nsx "$NODE_NS" nft list set inet pkp_fs s | sed 's/^/# /'; }

sleep 1
snapshot_state before
start_capture; start_trace nft
timeout 10 ip netns exec "$UPLINK_NS" python3 -c "$SENDER" "$NODE_IP" < "$WORK/plan.txt" > "$WORK/sent.txt"
sleep 0.5
list_set > "$BUNDLE/nft-set-after.txt"
trace_alive || log "WARNING: the trace monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j list ruleset > "$BUNDLE/nft-ruleset.json"
cp "$WORK/sent.txt" "$BUNDLE/sent.txt"
sed 's/^/[up] /' "$WORK/sent.txt" > "$WORK/probes.txt"
b_keep_probes

nft_decisions 'inet pkp_fs input' src > "$WORK/decisions.txt"
pattern() { grep -E -- "$1" "$WORK/decisions.txt" | awk '{print ($NF == "drop") ? "D" : "a"}' | paste -sd' ' -; }
p1=$(for x in "$A" "$B" "$C" "$D"; do pattern "$x:[0-9]+>7001 "; done | paste -sd'|' -)
p2=$(for x in "$A" "$D"; do pattern "$x:[0-9]+>7002 "; done | paste -sd'|' -)
cp "$WORK/decisions.txt" "$BUNDLE/decisions.txt"
log "7001 A|B|C|D=$p1; 7002 A|D=$p2"

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
[ "$p1" = "a a|a a|D D|D D" ] || b_fail "7001: $p1, expected A and B added (a a), C and D refused by the full set (D D)"
[ "$p2" = "a|D" ] || b_fail "7002: $p2, expected A's element updated (a), D's refused (D)"
grep -q 'add @s { ip saddr } counter packets 4 ' "$BUNDLE/nft-ruleset.txt" || b_fail "the add rule did not count 4"
grep -q 'udp dport 7001 counter packets 4 ' "$BUNDLE/nft-ruleset.txt" || b_fail "the 7001 drop rule did not count 4"
grep -qE "elements = \{ $A .*, $B " "$BUNDLE/nft-set-after.txt" || b_fail "@s does not hold A and B"

# ------------------------------------------------------------------ README
{
  echo "# nft-set-full: plain add and update on a full dynamic set (size 2)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $A/24 (client A) with the addresses $B (B), $C (C) and"
  echo "$D (D). UDP servers on the node answer on 7001 and 7002. iptables holds only the raw TRACE rules (every"
  echo "policy ACCEPT). The native table (loaded with \`nft -f\` a second before the traffic):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (plan.txt: offset, source, source port, port; datagrams of 60 bytes; sent.txt what was sent)"
  echo
  echo '```'; cat "$BUNDLE/plan.txt"; echo '```'
  echo
  echo "## What the kernel did (nft-trace.txt; a: accepted by the set statement's rule, D: dropped by the next rule)"
  echo
  echo "- 7001, A|B|C|D: \`$p1\`: A's and B's elements filled the set (size 2); C's and D's inserts failed, so"
  echo "  nft_dynset ended the add rule there (NFT_BREAK: neither its counter nor its accept) and the next rule dropped"
  echo "  them. The add rule counted 4 packets, the drop rule 4."
  echo "- 7002, A|D: \`$p2\`: \`update\` of A's element, already in the full set, refreshed it and the rule accepted;"
  echo "  D's element could not be created, and the next rule dropped."
  echo
  echo "Kernel $(uname -r), nft $(nsx "$NODE_NS" nft --version | awk '{print $2}')."
  echo
  echo '```'
  sed 's/^/  /' "$WORK/decisions.txt"
  echo '```'
  echo
  echo "The set after the traffic (nft-set-after.txt), and the rules' counters:"
  echo
  echo '```'
  grep -E 'elements' "$BUNDLE/nft-set-after.txt" | sed 's/^# \t*/  /'
  grep -E 'counter' "$BUNDLE/nft-ruleset.txt" | sed 's/^\t*/  /'
  echo '```'
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
