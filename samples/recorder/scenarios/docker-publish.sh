#!/usr/bin/env bash
# docker-publish: Docker-style port publishing (-p 8080:80) on a user bridge br-pkp, in Docker's exact
# chain shapes (DOCKER, DOCKER-USER, DOCKER-ISOLATION-STAGE-1/2, FORWARD policy DROP, MASQUERADE
# -s 172.17.0.0/16 ! -o br-pkp), plus a second isolated Docker network br-pkpdb.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-dpub"
pkp_init docker-publish
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
make_bridge br-pkp 172.17.0.1/16
add_bridge_pod web 172.17.0.2/16 172.17.0.1 br-pkp
ip -n "$NODE_NS" link add br-pkpdb type bridge
ip -n "$NODE_NS" addr add 172.19.0.1/16 dev br-pkpdb
ip -n "$NODE_NS" link set br-pkpdb up
add_bridge_pod db 172.19.0.2/16 172.19.0.1 br-pkpdb

cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.19.0.0/16 ! -o br-pkpdb -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o br-pkp -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i br-pkpdb -j RETURN
-A DOCKER -i br-pkp -j RETURN
-A DOCKER ! -i br-pkp -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o br-pkpdb -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-pkpdb -j DOCKER
-A FORWARD -i br-pkpdb ! -o br-pkpdb -j ACCEPT
-A FORWARD -i br-pkpdb -o br-pkpdb -j ACCEPT
-A FORWARD -o br-pkp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-pkp -j DOCKER
-A FORWARD -i br-pkp ! -o br-pkp -j ACCEPT
-A FORWARD -i br-pkp -o br-pkp -j ACCEPT
-A DOCKER -d 172.17.0.2/32 ! -i br-pkp -o br-pkp -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-pkpdb ! -o br-pkpdb -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-pkp ! -o br-pkp -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-pkpdb -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-pkp -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web tcp 80 40
b_serve db tcp 5432 40
b_serve up tcp 9000 40

snapshot_state before
start_capture; start_trace
for _ in 1 2 3; do b_probe up tcp "$NODE_IP" 8080; sleep 0.3; done   # published port, from outside
b_probe node tcp "$NODE_IP" 8080; sleep 0.3                             # published port, from the node itself (nat OUTPUT)
b_probe web tcp "$UPLINK_IP" 9000; sleep 0.3                            # container egress -> MASQUERADE
b_probe up tcp "$NODE_IP" 8081 - 0 2; sleep 0.3                         # not published: local port, closed
b_probe up tcp 172.17.0.2 22 - 0 1.5; sleep 0.3                         # routed straight to the container, unpublished port
b_probe web tcp 172.19.0.2 5432 - 0 1.5; sleep 0.3                      # container -> other docker network (isolation)
stop_trace; stop_capture
snapshot_state after
b_keep_probes

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
HOSTIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
pub_ok=$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:.* result=connected reply='web port 80 saw $UPLINK_IP" "$WORK/probes.txt" || true)
[ "$pub_ok" = 3 ] || die "published port: $pub_ok of 3 connections answered by web with the client's own address"
grep -q "\[node\] tcp $NODE_IP:8080 .*result=connected reply='web port 80 saw $NODE_IP" "$WORK/probes.txt" || die "node-local publish failed"
grep -q "\[web\] tcp $UPLINK_IP:9000 .*result=connected reply='up port 9000 saw $NODE_IP:" "$WORK/probes.txt" || die "egress not masqueraded"
grep -q "tcp $NODE_IP:8081 result=ECONNREFUSED" "$WORK/probes.txt" || die "8081 not refused"
grep -q "tcp 172.17.0.2:22 result=timeout" "$WORK/probes.txt" || die "direct 22 not dropped"
grep -q "tcp 172.19.0.2:5432 result=timeout" "$WORK/probes.txt" || die "isolation did not drop"
dnat=$(b_expect_count nat '--to-destination 172.17.0.2:80' -eq 4)
masq=$(b_expect_count nat '-s 172.17.0.0/16 ! -o br-pkp -j MASQUERADE' -eq 1)
iso=$(b_expect_count filter '-A DOCKER-ISOLATION-STAGE-2 -o br-pkpdb -j DROP' -ge 1)
acc=$(b_expect_count filter '-A DOCKER -d 172.17.0.2/32' -eq 3)
fwdpol=$(b_policy filter FORWARD); [ "$fwdpol" -ge 2 ] || die "FORWARD policy counter $fwdpol"
f_syn_pub=$(b_expect_frames "published SYNs in on eth0" "eth0 +In +IP $UPLINK_IP\.[0-9]+ > $NODE_IP\.8080: Flags \[S\]" 3)
f_syn_dnat=$(b_expect_frames "DNATed SYNs out to web" "$HOSTIF +Out +IP $UPLINK_IP\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 3)
f_direct=$(b_expect_frames "direct SYNs to 172.17.0.2:22" "eth0 +In +IP $UPLINK_IP\.[0-9]+ > 172\.17\.0\.2\.22: Flags \[S\]" 1)
b_expect_none "direct SYNs forwarded to the container" "Out +IP $UPLINK_IP\.[0-9]+ > 172\.17\.0\.2\.22:"
f_iso=$(b_expect_frames "isolated SYNs from web" "In +IP 172\.17\.0\.2\.[0-9]+ > 172\.19\.0\.2\.5432: Flags \[S\]" 1)
b_expect_none "isolated SYNs forwarded" "Out +IP 172\.17\.0\.2\.[0-9]+ > 172\.19\.0\.2\.5432"
f_masq=$(b_expect_frames "masqueraded egress SYN" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_rst=$(b_expect_frames "RST for 8081" "eth0 +Out +IP $NODE_IP\.8081 > $UPLINK_IP\.[0-9]+: Flags \[R\.\]" 1)
b_trace_summary > "$WORK/ts.txt"
h_est=$(grep -m1 -- '-A FORWARD -o br-pkp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT' "$BUNDLE/trace.txt" | sed -E 's/.*filter:FORWARD:rule:(0x[0-9a-f]+):.*/\1/')
h_out=$(grep -m1 -- '-A FORWARD -i br-pkp ! -o br-pkp -j ACCEPT' "$BUNDLE/trace.txt" | sed -E 's/.*filter:FORWARD:rule:(0x[0-9a-f]+):.*/\1/')
later=$(grep -E "(eth0/br-pkp $UPLINK_IP>172\.17\.0\.2 [0-9]+>80 |br-pkp/eth0 172\.17\.0\.2>$UPLINK_IP 80>)" "$WORK/ts.txt" | grep ' filter:' | grep -v ' SYN ID=')
[ -n "$later" ] || die "no later packets of the published flows in the trace"
if echo "$later" | grep -vqE "filter:FORWARD:rule($h_est|$h_out):ACCEPT$"; then die "a later packet of a published flow took another path"; fi
env_put CLIENT_IP "$UPLINK_IP"; env_put PUBLISHED "$NODE_IP:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2; env_put CONTAINER_DB_IP 172.19.0.2
env_put EXPECT_DNAT_COUNT "$dnat"; env_put EXPECT_FORWARD_POLICY_DROPS "$fwdpol"; env_put EXPECT_ISOLATION_DROPS "$iso"

{
  echo "# docker-publish: Docker port publishing (-p 8080:80) on bridge br-pkp, FORWARD policy DROP"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, bridge-nf-call-iptables=1) with uplink eth0 $NODE_IP/24 (client side $UPLINK_IP),"
  echo "Docker bridge \`br-pkp\` 172.17.0.1/16 with container \`web\` 172.17.0.2 (port \`$HOSTIF\`, server on :80), and a"
  echo "second Docker network \`br-pkpdb\` 172.19.0.1/16 with container \`db\` 172.19.0.2 (server on :5432)."
  echo "Rules (rules-input.txt) are Docker's (20.10+) chains: nat PREROUTING/OUTPUT addrtype LOCAL → DOCKER (DNAT 8080→172.17.0.2:80),"
  echo "filter FORWARD policy DROP → DOCKER-USER, DOCKER-ISOLATION-STAGE-1/2, per-bridge RELATED,ESTABLISHED/DOCKER/egress ACCEPT rules."
  echo
  echo "## Traffic (probes.txt has each client-side result)"
  echo
  echo "1. 3 TCP connections uplink $UPLINK_IP → $NODE_IP:8080 (the published port), 300 ms apart."
  echo "2. 1 TCP connection from the node itself to $NODE_IP:8080 (nat OUTPUT path)."
  echo "3. 1 TCP connection container web → $UPLINK_IP:9000 (egress)."
  echo "4. uplink → $NODE_IP:8081 (nothing published, no listener on the node)."
  echo "5. uplink → 172.17.0.2:22 routed directly (the uplink's default route points at the node), 1.5 s client timeout."
  echo "6. container web → db 172.19.0.2:5432 (other Docker network), 1.5 s client timeout."
  echo
  echo "## What the kernel did"
  echo
  echo "- Frames $f_syn_pub (SYNs $UPLINK_IP → $NODE_IP:8080 in on eth0) were DNATed by \`-A DOCKER ! -i br-pkp ... --dport 8080 -j DNAT --to-destination 172.17.0.2:80\`"
  echo "  (reached from nat PREROUTING \`-m addrtype --dst-type LOCAL -j DOCKER\`) and left on the bridge port $HOSTIF as frames $f_syn_dnat"
  echo "  (destination 172.17.0.2:80, source $UPLINK_IP kept: web saw the client's own address). filter FORWARD accepted them in"
  echo "  \`-A DOCKER -d 172.17.0.2/32 ! -i br-pkp -o br-pkp -p tcp -m tcp --dport 80 -j ACCEPT\` ($acc packets = the 3 SYNs); every"
  echo "  later packet of those flows matched \`-o br-pkp ... RELATED,ESTABLISHED -j ACCEPT\` or \`-i br-pkp ! -o br-pkp -j ACCEPT\`."
  echo "- The node-local connection to $NODE_IP:8080 was DNATed in nat OUTPUT (\`! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\`),"
  echo "  kept source $NODE_IP and was answered by web: the DNAT rule counted $dnat packets (3 from outside + 1 local)."
  echo "- Container egress web → $UPLINK_IP:9000 was masqueraded to $NODE_IP (frame $f_masq; \`-s 172.17.0.0/16 ! -o br-pkp -j MASQUERADE\` counted $masq,"
  echo "  the first packet only); the uplink server saw source $NODE_IP."
  echo "- $NODE_IP:8081 was not DNATed (DOCKER had no rule), went to INPUT and the node answered RST (frame $f_rst); client got ECONNREFUSED."
  echo "- The SYNs routed straight to 172.17.0.2:22 (frames $f_direct) went FORWARD → DOCKER-USER RETURN → DOCKER-ISOLATION-STAGE-1 RETURN"
  echo "  → \`-o br-pkp -j DOCKER\` (no match for port 22) → FORWARD policy DROP; none left on br-pkp. The FORWARD policy counter is $fwdpol"
  echo "  (see iptables-save-c-after.txt)."
  echo "- web → db SYNs (frames $f_iso) were dropped by \`-A DOCKER-ISOLATION-STAGE-2 -o br-pkpdb -j DROP\` ($iso packets, initial SYN + retransmission)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
