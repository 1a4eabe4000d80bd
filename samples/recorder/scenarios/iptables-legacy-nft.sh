#!/usr/bin/env bash
# iptables-legacy-nft: a routing node whose iptables rules live in BOTH backends, as on a node where the host's
# tools write with iptables-nft and a Kubernetes component (kube-proxy, a CNI) with iptables-legacy. The kernel runs
# the legacy x_tables tables and iptables-nft's base chains at the same hooks and priorities; the nft rules are loaded
# first and the legacy ones after them, so at each equal priority the legacy table runs first (the later registered
# hook runs first: checks/iptables-legacy-order.sh). Namespaces pkp-ileg-*.
#   legacy (iptables-legacy-save.txt): nat PREROUTING DNAT of the node's :80 to web:8080 and of 10.96.0.10:80,
#     nat POSTROUTING MASQUERADE of the pods to eth0, filter FORWARD DROP of TCP 8081, mangle PREROUTING mark 0x20 on
#     UDP 5300, filter FORWARD `-m mark --mark 0x10 -j ACCEPT`.
#   nft (iptables-save.txt, iptables-nft-save with its stderr warning): nat PREROUTING DNAT of the node's :80 to
#     web:8081 (never walked: the legacy DNAT maps first), filter FORWARD ACCEPT of TCP 8081 (the legacy DROP still
#     drops), `-m mark --mark 0x20 -j DROP` (the legacy mangle's mark), mangle PREROUTING mark 0x10 on TCP 8082.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="ileg"
pkp_init iptables-legacy-nft
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web 10.244.1.3
cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp -m tcp --dport 8082 -j MARK --set-xmark 0x10/0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.1.3:8081
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m mark --mark 0x20 -j DROP
-A FORWARD -p tcp -m tcp --dport 8081 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
R
cat > "$WORK/legacy.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p udp -m udp --dport 5300 -j MARK --set-xmark 0x20/0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.1.3:8080
-A PREROUTING -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.1.3:8080
-A POSTROUTING -s 10.244.0.0/16 -o eth0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --dport 8081 -j DROP
-A FORWARD -m mark --mark 0x10 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
cp "$WORK/legacy.v4" "$BUNDLE/rules-input-legacy.txt"
load_rules "$WORK/rules.v4"                      # iptables-nft first (+ the TRACE rules in its raw table)
nsx "$NODE_NS" iptables-legacy-restore < "$WORK/legacy.v4" || b_fail "iptables-legacy-restore failed"
b_serve web tcp 8080 40
b_serve web tcp 8081 40
b_serve web tcp 8082 40
b_serve web udp 5300 40
b_serve up tcp 9000 40

snapshot_state before
# both backends' dumps with their headers (the generator line tells them apart), and the legacy counters zeroed
nsx "$NODE_NS" iptables-nft-save > "$BUNDLE/iptables-save.txt" 2>&1
nsx "$NODE_NS" iptables-legacy-save > "$BUNDLE/iptables-legacy-save.txt"
for t in mangle nat filter; do nsx "$NODE_NS" iptables-legacy -t $t -Z; done
nsx "$NODE_NS" iptables-nft-save -c > "$BUNDLE/iptables-save-c-before.txt" 2>/dev/null
nsx "$NODE_NS" iptables-legacy-save -c > "$BUNDLE/iptables-legacy-save-c-before.txt"
start_capture; start_trace
b_probe client tcp 10.96.0.10 80 - 43001; sleep 0.3        # legacy DNAT, legacy MASQUERADE not (pod dst)
b_probe client tcp 10.96.0.10 80 - 43002; sleep 0.3
b_probe up tcp "$NODE_IP" 80 - 43003; sleep 0.3            # both nat tables DNAT: the legacy one maps (8080)
b_probe up tcp "$NODE_IP" 80 - 43004; sleep 0.3
b_probe up tcp 10.244.1.3 8081 - 43005 1.5; sleep 0.3      # nft ACCEPT, legacy DROP: dropped
b_probe up tcp 10.244.1.3 8082 - 43006; sleep 0.3          # nft mangle mark 0x10, legacy FORWARD accepts, nft too
b_probe up udp 10.244.1.3 5300 - 43007 1; sleep 0.3        # legacy mangle mark 0x20, nft FORWARD drops
b_probe client tcp "$UPLINK_IP" 9000 - 43008; sleep 0.3    # legacy MASQUERADE
stop_trace; stop_capture
nsx "$NODE_NS" iptables-nft-save -c > "$WORK/nft-c-after.txt" 2>/dev/null
nsx "$NODE_NS" iptables-legacy-save -c > "$BUNDLE/iptables-legacy-save-c-after.txt"
snapshot_state after
cp "$WORK/nft-c-after.txt" "$BUNDLE/iptables-save-c-after.txt"   # with its header (snapshot_state strips it)
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "clusterip connected" "tcp 10.96.0.10:80 from 10.244.1.2:43001 result=connected"
ck "node :80 connected" "tcp $NODE_IP:80 from $UPLINK_IP:43003 result=connected.*port 8080"
ck "8081 dropped" "tcp 10.244.1.3:8081 result=timeout"
ck "8082 connected" "tcp 10.244.1.3:8082 from $UPLINK_IP:43006 result=connected"
ck "udp 5300 dropped" "udp 10.244.1.3:5300 .*result=timeout"
ck "masquerade connected" "tcp $UPLINK_IP:9000 from 10.244.1.2:43008 result=connected"
for f in iptables-save.txt iptables-save-c-before.txt iptables-save-c-after.txt; do
  grep -q '^# Generated by iptables-nft-save .*(nf_tables)' "$BUNDLE/$f" || b_fail "$f lacks its nf_tables generator line"
done
grep -q '(nf_tables)' "$BUNDLE/iptables-legacy-save.txt" && b_fail "the legacy dump says nf_tables"
grep -q 'Warning: iptables-legacy tables present' "$BUNDLE/iptables-save.txt" || b_fail "no legacy warning in the nft dump"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_8081=$(b_expect_frames "uplink SYNs to 8081" "eth0 +In +IP $UPLINK_IP\.43005 > 10\.244\.1\.3\.8081: Flags \[S\]" 1)
b_expect_none "8081 forwarded" "$WIF +Out +IP $UPLINK_IP\.43005 >"
f_5300=$(b_expect_frames "udp 5300 in" "eth0 +In +IP $UPLINK_IP\.43007 > 10\.244\.1\.3\.5300: UDP" 1)
b_expect_none "udp 5300 forwarded" "$WIF +Out +IP $UPLINK_IP\.43007 >"
lc() { grep -F -- "$2" "$BUNDLE/$1" | grep -m1 '^\[' | sed 's/^\[\([0-9]*\):.*/\1/'; }
L=iptables-legacy-save-c-after.txt; N=iptables-save-c-after.txt
env_put LEGACY_DNAT_CLUSTERIP "$(lc $L '-d 10.96.0.10/32')"
env_put LEGACY_DNAT_NODE "$(lc $L '-d 172.18.0.2/32')"
env_put NFT_DNAT_NODE "$(lc $N '-d 172.18.0.2/32')"
env_put LEGACY_MASQ "$(lc $L 'MASQUERADE')"
env_put LEGACY_DROP_8081 "$(lc $L '--dport 8081 -j DROP')"
env_put NFT_ACCEPT_8081 "$(lc $N '--dport 8081 -j ACCEPT')"
env_put LEGACY_MARK_20 "$(lc $L '--dport 5300')"
env_put NFT_DROP_MARK_20 "$(lc $N '--mark 0x20 -j DROP')"
env_put NFT_MARK_10 "$(lc $N '--dport 8082')"
env_put LEGACY_ACCEPT_MARK_10 "$(lc $L '--mark 0x10 -j ACCEPT')"

{
  echo "# iptables-legacy-nft: one node, iptables rules in both backends (iptables-legacy and iptables-nft)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP, pod client 10.244.1.2, pod web"
  echo "10.244.1.3 on \`$WIF\` (servers on TCP 8080, 8081, 8082 and UDP 5300), a server on the uplink's TCP 9000."
  echo
  echo "Rules: first \`iptables-nft-restore\` of rules-input.txt (plus the TRACE rules in raw), then"
  echo "\`iptables-legacy-restore\` of rules-input-legacy.txt. At each hook and equal priority the kernel runs the hook"
  echo "registered later first: here every legacy table before the iptables-nft chain of the same priority."
  echo "\`iptables-save.txt\` is \`iptables-nft-save 2>&1\` (its header says \`(nf_tables)\` and it ends with the warning that"
  echo "legacy tables are present), \`iptables-legacy-save.txt\` is \`iptables-legacy-save\`; the counter snapshots"
  echo "\`iptables-save-c-*.txt\` and \`iptables-legacy-save-c-*.txt\` keep their \`# Generated by\` headers."
  echo "\`trace.txt\` (xtables-monitor) shows only the nft side: legacy TRACE goes to the kernel log, which a namespace does not see."
  echo
  echo "## What the kernel did (counters after, zeroed before the traffic)"
  echo
  echo "- legacy nat PREROUTING DNAT of 10.96.0.10:80: $(lc $L '-d 10.96.0.10/32'); of $NODE_IP:80: $(lc $L '-d 172.18.0.2/32');"
  echo "  the nft DNAT of $NODE_IP:80 to :8081: $(lc $N '-d 172.18.0.2/32') (the legacy table mapped first, the nat core"
  echo "  stops at the first mapping). legacy MASQUERADE: $(lc $L MASQUERADE)."
  echo "- TCP 8081 from the uplink (SYN frames $f_8081): nft filter FORWARD ACCEPT $(lc $N '--dport 8081 -j ACCEPT'), legacy"
  echo "  DROP $(lc $L '--dport 8081 -j DROP'): dropped (the legacy table ran first and dropped; the nft chain never saw it)."
  echo "- UDP 5300 (frames $f_5300): legacy mangle mark 0x20 $(lc $L '--dport 5300'), nft filter FORWARD mark 0x20 DROP"
  echo "  $(lc $N '--mark 0x20 -j DROP')."
  echo "- TCP 8082: nft mangle mark 0x10 $(lc $N '--dport 8082'), legacy filter FORWARD mark 0x10 ACCEPT"
  echo "  $(lc $L '--mark 0x10 -j ACCEPT') (an ACCEPT ends only its own table: the nft FORWARD chain still ran)."
  echo
  echo "### Legacy counters that moved (iptables-legacy-save-c-after.txt)"
  echo
  echo '```'
  nonzero_rules "$BUNDLE/iptables-legacy-save-c-after.txt"
  echo '```'
  b_readme_tail 'ACCEPT|DROP|policy'
} > "$BUNDLE/README.md"
pkp_finish
