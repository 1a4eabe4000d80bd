#!/usr/bin/env bash
# set-target: iptables' SET target (`-j SET --add-set/--del-set`) updating ipsets that later rules and packets match,
# as port knocking on the node's filter INPUT: a SYN to 7001 adds its source to pkp_knock (hash:ip timeout 60) with
# `--timeout 5` and is dropped; 7002 does the same with `--exist` (re-adding refreshes the timeout); a SYN to 7009
# deletes the source (`--del-set`); port 2222 is accepted only `-m set --match-set pkp_knock src`, else dropped.
# Every SYN to 2222 also adds src,dst to pkp_seen (hash:ip,port, two dimensions). Two clients on the uplink:
# 172.18.0.1 knocks, 172.18.0.11 never does. ipset-save-before.txt is the sets' state before the traffic (the state a
# replay starts from), ipset-save-after.txt the state after it.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="setx"
pkp_init set-target
source "$PKP_LIB_DIR/lib-extra.sh"

A=172.18.0.1; B=172.18.0.11
make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$B/24" dev eth0
env_put UPLINK_IP2 "$B"

ips() { nsx "$NODE_NS" ipset "$@" || die "ipset $* failed"; }
ips create pkp_knock hash:ip family inet timeout 60
ips create pkp_seen hash:ip,port family inet
nsx "$NODE_NS" ipset save > "$BUNDLE/ipset-save-before.txt"

cat > "$WORK/rules.v4" <<R
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 7001 -j SET --add-set pkp_knock src --timeout 5
-A INPUT -p tcp -m tcp --dport 7002 -j SET --add-set pkp_knock src --exist --timeout 5
-A INPUT -p tcp -m tcp --dport 7009 -j SET --del-set pkp_knock src
-A INPUT -p tcp -m tcp --dport 7000:7009 -j DROP
-A INPUT -p tcp -m tcp --dport 2222 -j SET --add-set pkp_seen src,dst
-A INPUT -p tcp -m tcp --dport 2222 -m set --match-set pkp_knock src -j ACCEPT
-A INPUT -p tcp -m tcp --dport 2222 -j DROP
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve node tcp 2222 40
snapshot_state before
start_capture; start_trace
t0=$(date +%s.%N)
at() { local w; w=$(python3 -c "import time; print(max(0.0, $t0 + $1 - time.time()))"); sleep "$w"; }
# step OFFSET SRC PORT SPORT: one connection attempt (a dropped SYN: 0.8 s, before the client's retransmission)
step() { at "$1"; b_probe up tcp 172.18.0.2 "$3" "$2" "$4" 0.8; }
step 0.0  "$A" 2222 45001   # 1 not knocked yet: DROP
step 1.0  "$A" 7001 45002   # 2 knock: added (timeout 5), DROP
step 2.0  "$A" 2222 45003   # 3 knocked: ACCEPT
step 3.0  "$B" 2222 45004   # 4 never knocked: DROP
step 4.0  "$A" 7009 45005   # 5 --del-set: deleted, DROP
step 5.0  "$A" 2222 45006   # 6 deleted: DROP
step 6.0  "$A" 7001 45007   # 7 knock: added, expires at +11
step 9.0  "$A" 7001 45008   # 8 knock again without --exist: already a member, timeout not refreshed
step 12.0 "$A" 2222 45009   # 9 expired at +11: DROP
step 13.0 "$A" 7002 45010   # 10 knock with --exist: added, expires at +18
step 16.0 "$A" 7002 45011   # 11 again with --exist: timeout refreshed to +21
step 19.5 "$A" 2222 45012   # 12 still a member (refreshed): ACCEPT
nsx "$NODE_NS" ipset save > "$BUNDLE/ipset-save-after.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
b_keep_probes

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
P="$WORK/probes.txt"
ok=$(grep -c 'result=connected' "$P" || true)
[ "$ok" = 2 ] || b_fail "expected 2 connections to 2222 (probes 3 and 12), got $ok: $(cat "$P")"
acc=$(b_expect_count filter '--match-set pkp_knock src -j ACCEPT' -eq 2)
drop2222=$(b_expect_count filter '--dport 2222 -j DROP' -eq 4)
add1=$(b_expect_count filter '--dport 7001 -j SET' -eq 3)
add2=$(b_expect_count filter '--dport 7002 -j SET' -eq 2)
del=$(b_expect_count filter '--dport 7009 -j SET' -eq 1)
seen=$(b_expect_count filter '--add-set pkp_seen' -eq 6)
grep -q "^add pkp_seen $A,tcp:2222\$" "$BUNDLE/ipset-save-after.txt" || b_fail "pkp_seen lacks $A,tcp:2222"
grep -q "^add pkp_seen $B,tcp:2222\$" "$BUNDLE/ipset-save-after.txt" || b_fail "pkp_seen lacks $B,tcp:2222"
knock_left=$(grep "^add pkp_knock " "$BUNDLE/ipset-save-after.txt" || echo "(none)")

# ------------------------------------------------------------------ README
{
  echo "# set-target: \`-j SET --add-set/--del-set\` port knocking in filter INPUT"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP/24 with a second address $B/24 (a client that never knocks)."
  echo "A server on the node listens on TCP 2222. Sets (\`ipset-save-before.txt\`, empty before the traffic):"
  echo
  echo '```'; cat "$BUNDLE/ipset-save-before.txt"; echo '```'
  echo
  echo "filter INPUT (policy ACCEPT):"
  echo
  echo '```'; grep -E '^-A INPUT' "$WORK/rules.v4" | nl -w2 -s'  '; echo '```'
  echo
  echo "iptables-save prints the SET rules as:"
  echo
  echo '```'; grep -- '-j SET' "$BUNDLE/iptables-save.txt"; echo '```'
  echo
  echo "## Traffic (one connection attempt each, seconds after the first; a dropped SYN is given up after 0.8 s)"
  echo
  echo "1. +0 $A → 2222 (not knocked). 2. +1 $A → 7001 (knock, timeout 5). 3. +2 $A → 2222. 4. +3 $B → 2222."
  echo "5. +4 $A → 7009 (del). 6. +5 $A → 2222. 7. +6 $A → 7001 (knock, member until +11). 8. +9 $A → 7001 again"
  echo "(no \`--exist\`). 9. +12 $A → 2222. 10. +13 $A → 7002 (\`--exist\`, member until +18). 11. +16 $A → 7002 again"
  echo "(\`--exist\`). 12. +19.5 $A → 2222."
  echo
  echo "## What the kernel did"
  echo
  echo "- The SET rules are non-terminating: the trace shows each as \`CONTINUE\`, then rule 5 drops the knock."
  echo "- 2222 was accepted by rule 7 $acc times (probes 3 and 12) and dropped by rule 8 $drop2222 times: before the knock (1),"
  echo "  the client that never knocked (4), after \`--del-set\` (6), and at +12 (9): re-adding an existing member without"
  echo "  \`--exist\` (8) did not refresh its timeout, so the member added at +6 expired at +11. With \`--exist\` (11) the"
  echo "  timeout was refreshed to +21 and probe 12 at +19.5 was accepted."
  echo "- Counters: 7001 SET $add1, 7002 SET $add2, 7009 SET $del, pkp_seen SET $seen."
  echo "- pkp_knock after the traffic: \`$knock_left\`; pkp_seen holds both clients with tcp:2222 (src,dst)."
  echo
  echo "### ipset-save-after.txt"
  echo
  echo '```'; cat "$BUNDLE/ipset-save-after.txt"; echo '```'
  b_readme_tail 'DROP|filter:INPUT:rule0x[0-9a-f]+:ACCEPT'
} > "$BUNDLE/README.md"
pkp_finish
