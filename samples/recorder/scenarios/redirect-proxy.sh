#!/usr/bin/env bash
# redirect-proxy: a transparent proxy on the node made with the REDIRECT target, as service meshes and node-local
# proxies do it. Pod TCP to uplink:80 is redirected (nat PREROUTING) to the node's port 15001, pod DNS (UDP 53) to
# 5353, node-originated TCP to uplink:8080 (nat OUTPUT) to 127.0.0.1:15002 unless the socket belongs to uid 1337 (the
# proxy's own). REDIRECT in PREROUTING rewrites the destination to the first primary address of the incoming
# interface: the client pod's cali carries 169.254.1.1/32 (its gateway address) for that; a second pod's cali has no
# address at all, and there the kernel drops the packet (nf_nat_redirect_ipv4 returns NF_DROP). Pod egress that is
# not intercepted (port 9000) is masqueraded out of eth0.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="redir"
pkp_init redirect-proxy
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod bare 10.244.1.3
CIF=$(host_if client); BIF=$(host_if bare)
# The address REDIRECT needs on the incoming interface (the pods' gateway address, as some Calico-like setups do).
ip -n "$NODE_NS" addr add 169.254.1.1/32 dev "$CIF"
env_put POD_CLIENT_HOSTIF_ADDR 169.254.1.1/32
env_put POD_BARE_HOSTIF_ADDR none
UP="$UPLINK_IP"
cat > "$WORK/rules.v4" <<R
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i cali+ -d $UP/32 -p tcp -m tcp --dport 80 -m comment --comment "pod egress to the outside through the node proxy" -j REDIRECT --to-ports 15001
-A PREROUTING -i cali+ -p udp -m udp --dport 53 -m comment --comment "pod DNS to the node-local resolver" -j REDIRECT --to-ports 5353
-A OUTPUT -d $UP/32 -p tcp -m tcp --dport 8080 -m owner ! --uid-owner 1337 -m comment --comment "node traffic through the proxy, except the proxy's own" -j REDIRECT --to-ports 15002
-A POSTROUTING -s 10.244.0.0/16 -o eth0 -j MASQUERADE
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i cali+ -p tcp -m tcp --dport 15001 -m conntrack --ctstate NEW --ctorigdst $UP --ctorigdstport 80 -j ACCEPT
-A INPUT -i cali+ -p udp -m udp --dport 5353 -m conntrack --ctstate DNAT -j ACCEPT
-A INPUT -i lo -d 127.0.0.1/32 -p tcp -m tcp --dport 15002 -m conntrack --ctstate NEW,DNAT -j ACCEPT
-A OUTPUT -o lo -p tcp -m tcp --dport 15002 -m comment --comment "count only: the rerouted packets do not match -o lo here"
-A OUTPUT -o eth0 -p tcp -m tcp --dport 15002 -m comment --comment "count only: -o in OUTPUT is the device of the route before nat OUTPUT rerouted"
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

# The node's proxy: TCP 15001 and 15002, answers with the peer and the original destination (SO_ORIGINAL_DST).
PY_PROXY='
import socket, struct, select, sys, time
port, life = int(sys.argv[1]), float(sys.argv[2])
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", port)); ls.listen(16)
print("ready", flush=True)
end = time.time() + life
while time.time() < end:
    r, _, _ = select.select([ls], [], [], max(0.0, min(1.0, end - time.time())))
    if not r:
        continue
    c, peer = ls.accept()
    c.settimeout(2)
    try:
        raw = c.getsockopt(socket.SOL_IP, 80, 16)  # SO_ORIGINAL_DST
        oport, oaddr = struct.unpack("!2xH4s8x", raw)
        orig = "%s:%d" % (socket.inet_ntoa(oaddr), oport)
    except OSError as e:
        orig = "unknown(%s)" % e
    local = c.getsockname()
    try:
        c.recv(200)
        c.sendall(("node-proxy port %d saw %s:%d local %s:%d orig %s\n" % (port, peer[0], peer[1], local[0], local[1], orig)).encode())
    except OSError:
        pass
    print("accepted %s:%d local %s:%d orig %s" % (peer[0], peer[1], local[0], local[1], orig), flush=True)
    c.close()
'
proxy_serve() {
  pkp_bg "proxy-$1" timeout 45 ip netns exec "$NODE_NS" python3 -u -c "$PY_PROXY" "$1" 40
  local i; for i in $(seq 1 50); do grep -q ready "$WORK/proxy-$1.out" 2>/dev/null && return 0; sleep 0.1; done
  b_fail "proxy $1 did not start: $(cat "$WORK/proxy-$1.err")"
}
# node_probe UID ARGS...: b_probe in the node namespace under another uid (setpriv, no groups; the system python,
# since a python found through root's PATH may not be readable by that uid).
node_probe() {
  local uid="$1" out; shift
  out="$(timeout 8 ip netns exec "$NODE_NS" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
    /usr/bin/python3 -c "$B_PY_PROBE" "$@" 2>&1)" || true
  [ -n "$out" ] || out="$* result=killed-by-timeout"
  printf '%s\n' "$out"
  printf '[node uid=%s] %s\n' "$uid" "$out" >> "$WORK/probes.txt"
}
proxy_serve 15001; proxy_serve 15002
b_serve node udp 5353 40
for p in 80 8080 9000; do b_serve up tcp "$p" 40; done
b_serve up udp 53 40

snapshot_state before
b_netstat_snap before
start_capture; start_trace
b_probe client tcp "$UP" 80 - 43001; sleep 0.3             # intercepted: REDIRECT to 169.254.1.1:15001
b_probe client tcp "$UP" 80 - 43002; sleep 0.3
b_probe client udp "$UP" 53 - 43003; sleep 0.3             # DNS intercepted: REDIRECT to 169.254.1.1:5353
b_probe client udp "$UP" 53 - 43004; sleep 0.3
node_probe 1000 tcp "$UP" 8080 - 43005; sleep 0.3          # node, ordinary user: OUTPUT REDIRECT to 127.0.0.1:15002
node_probe 1337 tcp "$UP" 8080 - 43006; sleep 0.3          # node, the proxy's uid: not redirected
b_probe client tcp "$UP" 9000 - 43007; sleep 0.3           # not intercepted: masqueraded to the uplink
b_probe bare tcp "$UP" 80 - 43008 1.5; sleep 0.3           # cali without address: REDIRECT drops
b_probe bare udp "$UP" 53 - 43009 1; sleep 0.3
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qF -- "$2" "$P" || b_fail "$1: no probe line containing: $2"; }
for sp in 43001 43002; do
  ck "pod :80 intercepted" "tcp $UP:80 from 10.244.1.2:$sp result=connected reply='node-proxy port 15001 saw 10.244.1.2:$sp local 169.254.1.1:15001 orig $UP:80'"
done
for sp in 43003 43004; do
  ck "pod DNS intercepted" "udp $UP:53 from 10.244.1.2:$sp result=reply reply='node port 5353 saw 10.244.1.2:$sp'"
done
ck "node uid 1000 redirected" "tcp $UP:8080 from $NODE_IP:43005 result=connected reply='node-proxy port 15002 saw $NODE_IP:43005 local 127.0.0.1:15002 orig $UP:8080'"
ck "node uid 1337 not redirected" "tcp $UP:8080 from $NODE_IP:43006 result=connected reply='up port 8080 saw $NODE_IP:43006'"
ck "pod :9000 masqueraded" "tcp $UP:9000 from 10.244.1.2:43007 result=connected reply='up port 9000 saw $NODE_IP:43007'"
ck "bare pod :80 dropped" "[bare] tcp $UP:80 result=timeout"
ck "bare pod DNS dropped" "udp $UP:53 from 10.244.1.3:43009 result=timeout"

# Nothing intercepted reached the uplink, nothing of the bare pod left the node.
b_expect_none "intercepted :80 on eth0" "eth0 +Out +IP [0-9.]+ > $UP\.80:"
b_expect_none "intercepted :53 on eth0" "eth0 +Out +IP [0-9.]+ > $UP\.53:"
b_expect_none "uid 1000 :8080 on eth0" "eth0 +Out +IP $NODE_IP\.43005 >"
b_expect_none "bare pod packets forwarded" "eth0 +Out +IP [0-9.]+\.4300[89] >"
f_syn=$(b_expect_frames "pod SYNs to :80" "$CIF +In +IP 10\.244\.1\.2\.4300[12] > $UP\.80: Flags \[S\]" 2)
f_synack=$(b_expect_frames "SYN-ACKs to the pod from :80" "$CIF +Out +IP $UP\.80 > 10\.244\.1\.2\.4300[12]: Flags \[S\.\]" 2)
f_dns=$(b_expect_frames "DNS queries" "$CIF +In +IP 10\.244\.1\.2\.4300[34] > $UP\.53:" 2)
f_dnsr=$(b_expect_frames "DNS answers from :53" "$CIF +Out +IP $UP\.53 > 10\.244\.1\.2\.4300[34]:" 2)
f_lo=$(b_expect_frames "uid 1000 SYN on lo" "lo +(In|Out) +IP $NODE_IP\.43005 > 127\.0\.0\.1\.15002: Flags \[S\]" 1)
f_1337=$(b_expect_frames "uid 1337 SYN on eth0" "eth0 +Out +IP $NODE_IP\.43006 > $UP\.8080: Flags \[S\]" 1)
f_9000=$(b_expect_frames "pod :9000 masqueraded on eth0" "eth0 +Out +IP $NODE_IP\.43007 > $UP\.9000: Flags \[S\]" 1)
f_bare=$(b_expect_frames "bare pod SYNs" "$BIF +In +IP 10\.244\.1\.3\.43008 > $UP\.80: Flags \[S\]" 2)
f_bareu=$(b_expect_frames "bare pod DNS query" "$BIF +In +IP 10\.244\.1\.3\.43009 > $UP\.53:" 1)
# Counters: REDIRECT rules count first packets only (2 SYNs + the bare pod's SYN and retransmission each time they
# are evaluated; a dropped packet never gets a confirmed entry, so every retransmission is NEW again).
c80=$(b_expect_count nat '--dport 80 -m comment' -ge 4)
c53=$(b_expect_count nat '--dport 53 -m comment' -ge 3)
c8080=$(b_expect_count nat '--uid-owner 1337' -eq 1)
cmasq=$(b_expect_count nat '-o eth0 -j MASQUERADE' -eq 1)
ci15001=$(b_expect_count filter '--ctorigdstport 80' -eq 2)
ci5353=$(b_expect_count filter '--dport 5353' -eq 2)
ci15002=$(b_expect_count filter '-i lo -p tcp -m tcp --dport 15002' -eq 1)
co_lo=$(b_expect_count filter '-o lo -p tcp' -eq 0)
nlo=$(grep -cE "lo +In +IP $NODE_IP\.43005 > 127\.0\.0\.1\.15002:" "$WORK/frames.txt" || true)
co_eth0=$(b_expect_count filter '-o eth0 -p tcp' -eq "$nlo")
grep -q "^PACKET: 2 [0-9a-f]* OUT=eth0 SRC=$NODE_IP DST=127.0.0.1 .* SPORT=43005 DPORT=15002 " "$BUNDLE/trace.txt" \
  || b_fail "no PACKET line with OUT=eth0 for the redirected packets in OUTPUT"
lo_syn_nat=$(awk '$1 == "PACKET:" && $4 == "IN=lo" && / SPORT=43005 DPORT=15002 SYN / { id[$3] = 1; next }
  $1 == "PACKET:" { delete id[$3] } $1 == "TRACE:" && ($3 in id) && $4 ~ /^nat:/ { n++ } END { print n + 0 }' "$BUNDLE/trace.txt")
[ "$lo_syn_nat" = 0 ] || b_fail "the looped SYN met a nat chain on its way in"
f_loreply=$(b_expect_frames "proxy answers on lo, un-DNATed" "lo +In +IP $UP\.8080 > $NODE_IP\.43005: Flags \[S\.\]" 1)
pin=$(b_policy filter INPUT); [ "$pin" = 0 ] || b_fail "filter INPUT policy dropped $pin packets"
# The bare pod's packets: in the trace, nat PREROUTING's REDIRECT rule is the last thing they saw (no filter INPUT).
nbare=$(grep -c "^PACKET: 2 [0-9a-f]* IN=$BIF .*SRC=10.244.1.3 " "$BUNDLE/trace.txt" || true)
nbare_in=$(awk -v bif="$BIF" '$1 == "PACKET:" && $4 == "IN=" bif { id[$3] = 1 } $1 == "TRACE:" && ($3 in id) && $4 ~ /^filter:INPUT/ { n++ } END { print n + 0 }' "$BUNDLE/trace.txt")
[ "$nbare_in" = 0 ] || b_fail "a bare-pod packet reached filter INPUT"
grep -q "src=10.244.1.3" "$BUNDLE/conntrack-L.txt" && b_fail "a conntrack entry exists for the bare pod"
bare_verdicts=$(b_trace_summary | grep -E "^$BIF/- 10\.244\.1\.3>" | sed 's/.* : //' | sort | uniq -c | sed 's/^ *//' | paste -sd';' -)
env_put CLIENT_IP 10.244.1.2; env_put BARE_IP 10.244.1.3
env_put REDIRECT_COUNT_80 "$c80"; env_put REDIRECT_COUNT_53 "$c53"; env_put REDIRECT_COUNT_8080 "$c8080"
env_put EXPECT_INPUT_POLICY_DROPS "$pin"; env_put BARE_PACKETS_TRACED "$nbare"

{
  echo "# redirect-proxy: a transparent proxy on the node with REDIRECT (PREROUTING and OUTPUT, owner match)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UP. Pod \`client\` 10.244.1.2 on \`$CIF\`, which"
  echo "carries **169.254.1.1/32** (the pods' gateway address: REDIRECT needs an address on the incoming interface). Pod \`bare\`"
  echo "10.244.1.3 on \`$BIF\`, Calico-style with **no address**. Rules (rules-input.txt):"
  echo
  echo '```'
  grep -E '^(-A|:INPUT)' "$BUNDLE/rules-input.txt"
  echo '```'
  echo
  echo "Servers: node 0.0.0.0:15001 and 0.0.0.0:15002 (TCP, answer with the peer, the local address and SO_ORIGINAL_DST),"
  echo "node 0.0.0.0:5353 UDP; uplink TCP 80, 8080, 9000 and UDP 53 (answer \`up port P saw ...\`: must not be reached by"
  echo "intercepted traffic)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. pod client 10.244.1.2:43001, :43002 → $UP:80 TCP (intercepted)."
  echo "2. pod client :43003, :43004 → $UP:53 UDP (DNS intercepted)."
  echo "3. node $NODE_IP:43005 → $UP:8080 TCP as uid 1000 (setpriv): nat OUTPUT REDIRECT."
  echo "4. node $NODE_IP:43006 → $UP:8080 TCP as uid 1337 (the proxy's uid): \`-m owner ! --uid-owner 1337\` does not match."
  echo "5. pod client :43007 → $UP:9000 TCP (not intercepted; masqueraded)."
  echo "6. pod bare 10.244.1.3:43008 → $UP:80 TCP (1.5 s timeout) and :43009 → $UP:53 UDP (1 s): REDIRECT on an interface without address."
  echo
  echo "## What the kernel did"
  echo
  echo "- Pod :80 (SYN frames $f_syn): nat PREROUTING REDIRECT --to-ports 15001 rewrote the destination to **169.254.1.1:15001**,"
  echo "  the primary address of the incoming \`$CIF\` (the trace's later PACKET: lines show DST=169.254.1.1 DPORT=15001);"
  echo "  filter INPUT accepted the SYN with \`--ctstate NEW --ctorigdst $UP --ctorigdstport 80\` ($ci15001 packets); the proxy saw"
  echo "  local 169.254.1.1:15001 and SO_ORIGINAL_DST $UP:80. The pod got its SYN-ACKs (frames $f_synack) from $UP:80 (un-DNAT)."
  echo "  REDIRECT counted $c80 packets (first packets of each connection attempt, the bare pod's included)."
  echo "- Pod DNS (frames $f_dns): REDIRECT --to-ports 5353 → 169.254.1.1:5353, accepted in INPUT by \`--ctstate DNAT\` ($ci5353);"
  echo "  the answers left with source $UP:53 (frames $f_dnsr), so the pod's connected UDP socket took them."
  echo "- Node uid 1000 → $UP:8080: nat OUTPUT REDIRECT → **127.0.0.1:15002** ($c8080 packet), rerouted over lo (SYN: frame $f_lo),"
  echo "  source kept $NODE_IP; INPUT \`-i lo -d 127.0.0.1 --dport 15002 --ctstate NEW,DNAT\` accepted it ($ci15002)."
  echo "  In filter OUTPUT the rerouted packets still had the first route's device: \`-o eth0 ... --dport 15002\` counted $co_eth0"
  echo "  (all $nlo packets of that direction on lo, not only the first), \`-o lo\` $co_lo; the trace prints OUT=eth0 in raw/nat/filter"
  echo "  OUTPUT and OUT=lo only in nat POSTROUTING. The looped packets kept their conntrack entry: the SYN on lo met no nat"
  echo "  chain in PREROUTING/INPUT (both bindings were made on its way out) and was still NEW in INPUT; the proxy's answers,"
  echo "  un-DNATed in POSTROUTING, came in on lo as $UP:8080 → $NODE_IP:43005 (SYN-ACK frame $f_loreply), ESTABLISHED."
  echo "- Node uid 1337 → $UP:8080: the owner match failed, no NAT, the SYN left on eth0 (frame $f_1337); the uplink answered."
  echo "  The capture cannot show a socket's uid: only the trace (no REDIRECT line) and the result tell the two node flows apart."
  echo "- Pod :9000: no REDIRECT, forwarded and masqueraded to $NODE_IP:43007 (frame $f_9000; MASQUERADE $cmasq)."
  echo "- Pod bare (SYN frames $f_bare, DNS frame $f_bareu): the REDIRECT rule matched, but \`$BIF\` has no IPv4 address, so"
  echo "  nf_nat_redirect_ipv4 returned NF_DROP: the packets never reached filter INPUT or the uplink, no conntrack entry was"
  echo "  confirmed, each SYN retransmission was NEW again and dropped the same way; the client timed out. Trace verdicts of"
  echo "  the bare pod's packets (count verdicts): \`$bare_verdicts\`."
  echo "- filter INPUT policy DROP counted $pin."
  b_readme_tail 'DROP|REJECT|filter:INPUT|nat:[A-Z-]+:rule'
  echo
  echo "### Node MIB counters that moved (netstat-counters.txt)"
  echo
  echo '```'
  cat "$BUNDLE/netstat-counters.txt"
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
