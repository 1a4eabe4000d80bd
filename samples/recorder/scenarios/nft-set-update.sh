#!/usr/bin/env bash
# nft-set-update: nft's set statements filling a dynamic set from the packet path, as port knocking in a native
# `table inet pkp_ks` input chain (priority filter + 10): a SYN to 7001 does `add @knocked { ip saddr timeout 5s }`,
# 7002 `update @knocked { ip saddr timeout 5s }`, 7009 `delete @knocked { ip saddr }`, and 7000-7009 are dropped;
# TCP 2222 is accepted only `ip saddr @knocked`, else dropped. Two clients on the uplink: 172.18.0.1 knocks,
# 172.18.0.11 never does. iptables holds only the TRACE rules; nft-trace.txt is `nft monitor trace`,
# nft-ruleset.txt `nft -a list ruleset` after the traffic (the set's elements with their expiry then).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nks"
pkp_init nft-set-update
source "$PKP_LIB_DIR/lib-extra.sh"

A=172.18.0.1; B=172.18.0.11
make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$B/24" dev eth0
env_put UPLINK_IP2 "$B"

load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_ks {
	set knocked {
		type ipv4_addr
		flags dynamic,timeout
		timeout 60s
	}
	chain input {
		type filter hook input priority filter + 10; policy accept;
		ct state established,related accept
		tcp dport 7001 add @knocked { ip saddr timeout 5s }
		tcp dport 7002 update @knocked { ip saddr timeout 5s }
		tcp dport 7009 delete @knocked { ip saddr }
		tcp dport 7000-7009 counter drop
		tcp dport 2222 ip saddr @knocked counter accept
		tcp dport 2222 counter drop
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"

b_serve node tcp 2222 40
snapshot_state before
start_capture; start_trace nft
t0=$(date +%s.%N)
at() { local w; w=$(python3 -c "import time; print(max(0.0, $t0 + $1 - time.time()))"); sleep "$w"; }
# step OFFSET SRC PORT SPORT: one connection attempt (a dropped SYN: 0.8 s, before the client's retransmission)
step() { at "$1"; b_probe up tcp 172.18.0.2 "$3" "$2" "$4" 0.8; }
step 0.0  "$A" 2222 46001   # 1 not knocked yet: drop
step 1.0  "$A" 7001 46002   # 2 knock: add (timeout 5s), drop
step 2.0  "$A" 2222 46003   # 3 knocked: accept
step 3.0  "$B" 2222 46004   # 4 never knocked: drop
step 4.0  "$A" 7009 46005   # 5 delete: drop
step 5.0  "$A" 2222 46006   # 6 deleted: drop
step 6.0  "$A" 7001 46007   # 7 knock: added, expires at +11
step 9.0  "$A" 7001 46008   # 8 add again: already an element, its timeout is not refreshed
step 12.0 "$A" 2222 46009   # 9 expired at +11: drop
step 13.0 "$A" 7002 46010   # 10 update: added, expires at +18
step 16.0 "$A" 7002 46011   # 11 update again: timeout refreshed to +21
step 19.5 "$A" 2222 46012   # 12 still an element (refreshed): accept
nsx "$NODE_NS" nft list set inet pkp_ks knocked > "$BUNDLE/nft-set-after.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
P="$WORK/probes.txt"
ok=$(grep -c 'result=connected' "$P" || true)
[ "$ok" = 2 ] || b_fail "expected 2 connections to 2222 (probes 3 and 12), got $ok: $(cat "$P")"
cnt() { sed -n "s/.*$1 counter packets \([0-9]*\) .*/\1/p" "$BUNDLE/nft-ruleset.txt"; }
acc=$(cnt 'tcp dport 2222 ip saddr @knocked'); drop2222=$(cnt 'tcp dport 2222'); drop7=$(cnt 'tcp dport 7000-7009')
[ "$acc" = 2 ] || b_fail "accept counter $acc, expected 2"
[ "$drop2222" = 4 ] || b_fail "2222 drop counter $drop2222, expected 4"
[ "$drop7" = 6 ] || b_fail "7000-7009 drop counter $drop7, expected 6"
grep -q 'table inet pkp_ks' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
knock_left=$(sed -n 's/.*elements = { \(.*\) }.*/\1/p' "$BUNDLE/nft-set-after.txt")
nft_acc=$(grep -c 'inet pkp_ks input .*verdict accept' "$BUNDLE/nft-trace.txt" || true)
env_put CLIENT_IP "$A"

# ------------------------------------------------------------------ README
{
  echo "# nft-set-update: nft's \`add @set\`, \`update @set\`, \`delete @set\` port knocking in a native input chain"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP/24 with a second address $B/24 (a client that never knocks)."
  echo "A server on the node listens on TCP 2222. iptables holds only the raw TRACE rules (every policy ACCEPT). The native"
  echo "table (nft-input.txt, loaded with \`nft -f\`):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (one connection attempt each, seconds after the first; a dropped SYN is given up after 0.8 s)"
  echo
  echo "1. +0 $A → 2222 (not knocked). 2. +1 $A → 7001 (add, timeout 5s). 3. +2 $A → 2222. 4. +3 $B → 2222."
  echo "5. +4 $A → 7009 (delete). 6. +5 $A → 2222. 7. +6 $A → 7001 (add, element until +11). 8. +9 $A → 7001 again"
  echo "(add). 9. +12 $A → 2222. 10. +13 $A → 7002 (update, element until +18). 11. +16 $A → 7002 again (update)."
  echo "12. +19.5 $A → 2222."
  echo
  echo "## What the kernel did"
  echo
  echo "- The set statements do not end the rule: nft-trace.txt shows each of those rules with \`verdict continue\`,"
  echo "  then \`tcp dport 7000-7009 counter drop\` drops the knock (counter $drop7)."
  echo "- 2222 was accepted by \`ip saddr @knocked\` $acc times (probes 3 and 12; $nft_acc accept verdict line(s) of"
  echo "  inet pkp_ks input in nft-trace.txt, the established packets' included) and dropped $drop2222 times: before the"
  echo "  knock (1), the client that never knocked (4), after \`delete\` (6), and at +12 (9): \`add\` of an existing element"
  echo "  (8) did not refresh its timeout, so the element added at +6 expired at +11. \`update\` (11) refreshed it to +21"
  echo "  and probe 12 at +19.5 was accepted."
  echo "- The set after the traffic (nft-set-after.txt, listed at about +20): \`$knock_left\`."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
  echo
  echo "### The native chain's verdicts for the SYNs (nft-trace.txt, established packets left out)"
  echo
  echo '```'
  # indented: a line starting with "trace id" would make this README look like a trace log
  grep -E "inet pkp_ks input (rule|policy)" "$BUNDLE/nft-trace.txt" | grep -v 'ct state established' | sed 's/^/  /'
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
