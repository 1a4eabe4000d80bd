#!/usr/bin/env bash
# tproxy-istio: Istio's TPROXY interception mode on a node that is itself the workload. mangle PREROUTING sends TCP
# through ISTIO_INBOUND: an excluded port returns, packets that have a local socket (`-m socket`) go to ISTIO_DIVERT
# (mark 0x539, ACCEPT), everything else to ISTIO_TPROXY (`TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark
# 0x539/0xffffffff`). `ip rule fwmark 0x539 lookup 133` with `local default dev lo table 133` delivers the marked
# packets locally even when their destination is not a node address (10.50.0.20, routed to the node by the uplink).
# A python proxy with IP_TRANSPARENT listens on 0.0.0.0:15006 and answers with getsockname() (the original
# destination: TPROXY does not rewrite it). Port 9000 is TPROXYed to 127.0.0.1:15007 where nothing listens: the
# kernel drops the SYN (nf_tproxy finds no transparent socket).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="tproxy"
pkp_init tproxy-istio
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
VIP=10.50.0.20
ip -n "$NODE_NS" rule add fwmark 0x539 lookup 133
ip -n "$NODE_NS" route add local default dev lo table 133
env_put VIP "$VIP"; env_put TPROXY_MARK 0x539; env_put TPROXY_TABLE 133
UP="$UPLINK_IP"
cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:ISTIO_DIVERT - [0:0]
:ISTIO_INBOUND - [0:0]
:ISTIO_TPROXY - [0:0]
-A PREROUTING -p tcp -j ISTIO_INBOUND
-A PREROUTING -p tcp -m mark --mark 0x539 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A OUTPUT -p tcp -m connmark --mark 0x539 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A ISTIO_DIVERT -j MARK --set-xmark 0x539/0xffffffff
-A ISTIO_DIVERT -j ACCEPT
-A ISTIO_INBOUND -p tcp -m tcp --dport 15021 -j RETURN
-A ISTIO_INBOUND -p tcp -m socket -j ISTIO_DIVERT
-A ISTIO_INBOUND -p tcp -m tcp --dport 9000 -j TPROXY --on-port 15007 --on-ip 127.0.0.1 --tproxy-mark 0x539/0xffffffff
-A ISTIO_INBOUND -p tcp -j ISTIO_TPROXY
-A ISTIO_TPROXY ! -d 127.0.0.1/32 -p tcp -j TPROXY --on-port 15006 --on-ip 0.0.0.0 --tproxy-mark 0x539/0xffffffff
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

# The transparent proxy: IP_TRANSPARENT (SOL_IP 19) on 0.0.0.0:15006; getsockname() of an accepted connection is the
# destination the client used.
PY_TPROXY='
import socket, select, sys, time
port, life = int(sys.argv[1]), float(sys.argv[2])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.setsockopt(socket.SOL_IP, 19, 1)
ls.bind(("0.0.0.0", port)); ls.listen(16)
print("ready", flush=True)
end = time.time() + life
while time.time() < end:
    r, _, _ = select.select([ls], [], [], max(0.0, min(1.0, end - time.time())))
    if not r:
        continue
    c, peer = ls.accept()
    c.settimeout(2)
    local = c.getsockname()
    try:
        c.recv(200)
        c.sendall(("tproxy port %d saw %s:%d local %s:%d\n" % (port, peer[0], peer[1], local[0], local[1])).encode())
    except OSError:
        pass
    print("accepted %s:%d local %s:%d" % (peer[0], peer[1], local[0], local[1]), flush=True)
    c.close()
'
pkp_bg proxy-15006 timeout 45 ip netns exec "$NODE_NS" python3 -u -c "$PY_TPROXY" 15006 40
for i in $(seq 1 50); do grep -q ready "$WORK/proxy-15006.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/proxy-15006.out" || b_fail "tproxy listener did not start: $(cat "$WORK/proxy-15006.err")"
b_serve node tcp 15021 40          # excluded from interception (Istio's health port)
b_serve node tcp 8080 40           # the application port: must not be reached by intercepted traffic
# The node's listening TCP sockets while the proxy listens (nothing on 127.0.0.1:15007): pktpath decides TPROXY's
# listener lookup from them.
ip netns exec "$NODE_NS" ss -tlnp > "$BUNDLE/ss-tlnp.txt"

snapshot_state before
b_netstat_snap before
start_capture; start_trace
b_probe up tcp "$VIP" 8080 - 46001; sleep 0.3             # not a node address: TPROXY + fwmark table 133
b_probe up tcp "$VIP" 8080 - 46002; sleep 0.3
b_probe up tcp "$NODE_IP" 8080 - 46003; sleep 0.3         # the node's address: TPROXY although 8080 listens
b_probe up tcp "$NODE_IP" 15021 - 46004; sleep 0.3        # excluded port: RETURN, the ordinary listener answers
b_probe up tcp "$VIP" 9000 - 46005 1.5; sleep 0.3         # TPROXY to 127.0.0.1:15007, no listener: dropped
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qF -- "$2" "$P" || b_fail "$1: no probe line containing: $2"; }
for sp in 46001 46002; do
  ck "VIP :8080 intercepted" "tcp $VIP:8080 from $UP:$sp result=connected reply='tproxy port 15006 saw $UP:$sp local $VIP:8080'"
done
ck "node :8080 intercepted" "tcp $NODE_IP:8080 from $UP:46003 result=connected reply='tproxy port 15006 saw $UP:46003 local $NODE_IP:8080'"
ck "excluded :15021" "tcp $NODE_IP:15021 from $UP:46004 result=connected reply='node port 15021 saw $UP:46004'"
ck "no listener on 15007" "tcp $VIP:9000 result=timeout"
b_expect_none "intercepted packets forwarded back out" "eth0 +Out +IP $UP\.4600[1-5] >"
f_syn=$(b_expect_frames "SYNs to $VIP:8080" "eth0 +In +IP $UP\.4600[12] > $VIP\.8080: Flags \[S\]" 2)
f_synack=$(b_expect_frames "SYN-ACKs from $VIP:8080" "eth0 +Out +IP $VIP\.8080 > $UP\.4600[12]: Flags \[S\.\]" 2)
f_fin=$(b_expect_frames "FINs to $VIP:8080" "eth0 +In +IP $UP\.4600[12] > $VIP\.8080: Flags \[F" 2)
f_node=$(b_expect_frames "node :8080 SYN" "eth0 +In +IP $UP\.46003 > $NODE_IP\.8080: Flags \[S\]" 1)
f_excl=$(b_expect_frames "excluded SYN-ACK" "eth0 +Out +IP $NODE_IP\.15021 > $UP\.46004: Flags \[S\.\]" 1)
f_drop=$(b_expect_frames "SYNs to :9000" "eth0 +In +IP $UP\.46005 > $VIP\.9000: Flags \[S\]" 2)
b_expect_none "an answer to :9000" "eth0 +Out +IP $VIP\.9000 >"
c_tp=$(b_expect_count mangle '-j TPROXY --on-port 15006' -eq 3)
c_tp9=$(b_expect_count mangle '--dport 9000 -j TPROXY' -ge 2)
c_sock=$(b_expect_count mangle '-m socket -j ISTIO_DIVERT' -ge 12)
c_ret=$(b_expect_count mangle '--dport 15021 -j RETURN' -ge 4)
c_save=$(b_expect_count mangle '-j CONNMARK --save-mark' -eq 0)
c_rest=$(b_expect_count mangle '-j CONNMARK --restore-mark' -eq 0)
# The TPROXY lines in the trace: the verdict the kernel prints for an assigned socket and for a failed lookup.
tp_ok=$(grep -E "^ TRACE: 2 [0-9a-f]+ mangle:ISTIO_TPROXY:rule:0x[0-9a-f]+:[A-Z]+ " "$BUNDLE/trace.txt" | awk '{print $4}' | sed 's/.*://' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)
tp_drop=$(grep -E "^ TRACE: 2 [0-9a-f]+ mangle:ISTIO_INBOUND:rule:0x[0-9a-f]+:[A-Z]+ .*--on-port 15007" "$BUNDLE/trace.txt" | awk '{print $4}' | sed 's/.*://' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)
[ -n "$tp_ok" ] || b_fail "no TPROXY line in the trace"
grep -q "dport=8080 .*src=$VIP " "$BUNDLE/conntrack-L.txt" || b_fail "conntrack does not hold the original destination $VIP:8080"
grep -q "dport=9000" "$BUNDLE/conntrack-L.txt" && b_fail "a conntrack entry exists for the dropped :9000 SYNs"
env_put TPROXY_COUNT "$c_tp"; env_put TPROXY_NOLISTENER_COUNT "$c_tp9"; env_put SOCKET_MATCH_COUNT "$c_sock"

{
  echo "# tproxy-istio: Istio TPROXY interception (mangle TPROXY, -m socket, fwmark 0x539 → local table 133)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), eth0 $NODE_IP/24 ↔ uplink $UP (the client; its default route points at the node, so"
  echo "$VIP — an address no namespace owns — reaches the node). Policy routing (ip-rule.txt, ip-route.txt):"
  echo "\`from all fwmark 0x539 lookup 133\` and \`local default dev lo table 133\`. Rules (rules-input.txt, Istio's TPROXY mode with"
  echo "\`-m socket\` as istio-iptables wrote it before it switched to \`--ctstate RELATED,ESTABLISHED\`; mark 0x539 = 1337):"
  echo
  echo '```'
  grep -E '^-A' "$BUNDLE/rules-input.txt"
  echo '```'
  echo
  echo "Servers in the node: a transparent proxy (IP_TRANSPARENT) on 0.0.0.0:15006 that answers"
  echo "\`tproxy port 15006 saw PEER local <getsockname()>\`; ordinary listeners on 0.0.0.0:8080 and 0.0.0.0:15021 answering"
  echo "\`node port P saw PEER\`. Nothing listens on 15007."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink $UP:46001, :46002 → $VIP:8080 TCP (not a node address)."
  echo "2. uplink :46003 → $NODE_IP:8080 (the node's address; a listener exists on 8080)."
  echo "3. uplink :46004 → $NODE_IP:15021 (excluded from interception)."
  echo "4. uplink :46005 → $VIP:9000 (TPROXY to 127.0.0.1:15007, 1.5 s timeout)."
  echo
  echo "## What the kernel did"
  echo
  echo "- $VIP:8080 (SYN frames $f_syn): the SYN found no socket for \`-m socket\` (the only listeners are bound to 0.0.0.0, which"
  echo "  xt_socket ignores), reached ISTIO_TPROXY, whose TPROXY found the transparent listener 0.0.0.0:15006, assigned it, set"
  echo "  mark 0x539 and accepted the packet; trace verdicts of the ISTIO_TPROXY rule: \`$tp_ok\` (counter $c_tp = the 3 SYNs)."
  echo "  The destination was not rewritten (the trace's later PACKET lines keep DST=$VIP DPORT=8080, conntrack-L.txt holds"
  echo "  $VIP:8080 with no NAT); the mark chose table 133, whose local default route delivered it (mangle/filter INPUT, no"
  echo "  FORWARD). The proxy saw local $VIP:8080 and answered from it (SYN-ACK frames $f_synack)."
  echo "- Every later packet of those connections (ACK, data, FIN: FIN frames $f_fin) matched \`-m socket\` (the accepted,"
  echo "  established socket; $c_sock packets) and went through ISTIO_DIVERT: MARK 0x539, ACCEPT, delivered through table 133."
  echo "  ISTIO_DIVERT's ACCEPT and TPROXY's ACCEPT end mangle PREROUTING, so \`CONNMARK --save-mark\` counted $c_save and"
  echo "  mangle OUTPUT's \`--restore-mark\` $c_rest: the proxy's answers left unmarked through the main table."
  echo "- $NODE_IP:8080 (SYN frame $f_node): intercepted the same way: the transparent proxy answered, not the ordinary 8080 listener."
  echo "- $NODE_IP:15021: \`--dport 15021 -j RETURN\` ($c_ret packets), no mark, the ordinary listener answered (SYN-ACK frame $f_excl)."
  echo "- $VIP:9000 (SYN frames $f_drop): TPROXY --on-ip 127.0.0.1 --on-port 15007 found no socket and returned NF_DROP (trace"
  echo "  verdicts \`$tp_drop\`, counter $c_tp9): no SYN-ACK, no conntrack entry (never confirmed), the retransmission was dropped"
  echo "  the same way; the client timed out."
  b_readme_tail 'DROP|mangle:ISTIO_TPROXY|mangle:ISTIO_INBOUND:rule|filter:INPUT'
  echo
  echo "### Node MIB counters that moved (netstat-counters.txt)"
  echo
  echo '```'
  cat "$BUNDLE/netstat-counters.txt"
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
