#!/usr/bin/env bash
# pod-egress-masq: pod egress to an address in the uplink namespace, MASQUERADEd to the node's
# uplink address by flannel-style rules (FLANNEL-POSTRTG, plain MASQUERADE without --random-fully);
# pod-to-pod traffic RETURNs unmasqueraded.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-pmasq"
pkp_init pod-egress-masq
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web 10.244.1.3
cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:FLANNEL-FWD - [0:0]
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up tcp 9000 40
b_serve up udp 5300 40
b_serve web tcp 8080 40

snapshot_state before
start_capture; start_trace
b_probe client tcp "$UPLINK_IP" 9000 - 41001; sleep 0.3       # fixed source ports: MASQUERADE keeps a free port
b_probe client tcp "$UPLINK_IP" 9000 - 41002; sleep 0.3
b_probe client udp "$UPLINK_IP" 5300 - 41003; sleep 0.3
b_probe client rawicmp 10.244.1.2 "$UPLINK_IP" 8 4242 1; sleep 0.5
b_probe client tcp 10.244.1.3 8080 - 41004; sleep 0.3          # pod to pod: no masquerade
stop_trace; stop_capture
snapshot_state after
b_keep_probes

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
for p in 41001 41002; do
  grep -q "tcp $UPLINK_IP:9000 from 10.244.1.2:$p result=connected reply='up port 9000 saw $NODE_IP:$p'" "$WORK/probes.txt" \
    || die "tcp $p was not masqueraded to $NODE_IP:$p"
done
grep -q "udp $UPLINK_IP:5300 from 10.244.1.2:41003 result=reply reply='up port 5300 saw $NODE_IP:41003'" "$WORK/probes.txt" || die "udp not masqueraded"
grep -q "tcp 10.244.1.3:8080 from 10.244.1.2:41004 result=connected reply='web port 8080 saw 10.244.1.2:41004'" "$WORK/probes.txt" || die "pod-to-pod was NATed"
masq=$(b_expect_count nat '-j MASQUERADE' -eq 4)
for p in 41001 41002 41003; do
  grep -qE "src=10\.244\.1\.2 dst=$UPLINK_IP sport=$p .* src=$UPLINK_IP dst=$NODE_IP sport=[0-9]+ dport=$p " "$BUNDLE/conntrack-L.txt" || die "ct for $p not masqueraded"
done
grep -qE "src=10\.244\.1\.2 dst=$UPLINK_IP type=8 .* src=$UPLINK_IP dst=$NODE_IP type=0 " "$BUNDLE/conntrack-L.txt" || die "icmp ct not masqueraded"
ret=$(b_expect_count nat '-s 10.244.0.0/16 -d 10.244.0.0/16' -eq 1)
f_tcp=$(b_expect_frames "masqueraded SYNs" "eth0 +Out +IP $NODE_IP\.4100[12] > $UPLINK_IP\.9000: Flags \[S\]" 2)
f_in=$(b_expect_frames "pod SYNs" "$CIF +In +IP 10\.244\.1\.2\.4100[12] > $UPLINK_IP\.9000: Flags \[S\]" 2)
f_udp=$(b_expect_frames "masqueraded UDP" "eth0 +Out +IP $NODE_IP\.41003 > $UPLINK_IP\.5300: UDP" 1)
f_udpr=$(b_expect_frames "de-masqueraded UDP reply" "$CIF +Out +IP $UPLINK_IP\.5300 > 10\.244\.1\.2\.41003: UDP" 1)
f_icmp=$(b_expect_frames "masqueraded echo" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP echo request" 1)
f_icmpr=$(b_expect_frames "echo reply to pod" "$CIF +Out +IP $UPLINK_IP > 10\.244\.1\.2: ICMP echo reply" 1)
f_p2p=$(b_expect_frames "pod-to-pod SYN" "Out +IP 10\.244\.1\.2\.41004 > 10\.244\.1\.3\.8080: Flags \[S\]" 1)
env_put CLIENT_IP 10.244.1.2; env_put MASQ_TO "$NODE_IP"; env_put SERVER "$UPLINK_IP"
env_put EXPECT_MASQUERADE_COUNT "$masq"; env_put CLIENT_SPORTS "41001 41002 41003 41004"

{
  echo "# pod-egress-masq: pod egress MASQUERADEd to the node's uplink address (flannel-style rules)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): uplink eth0 $NODE_IP/24 (uplink namespace $UPLINK_IP), Calico-style pods client 10.244.1.2"
  echo "(\`$CIF\`) and web 10.244.1.3. Rules (rules-input.txt): nat POSTROUTING → FLANNEL-POSTRTG (mark 0x4000 RETURN; pod→pod RETURN;"
  echo "\`-s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE\`, no --random-fully), filter FORWARD policy DROP with FLANNEL-FWD accepting 10.244.0.0/16."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client 10.244.1.2:41001 and :41002 → $UPLINK_IP:9000 TCP (handshake, payload, reply, FIN), 300 ms apart."
  echo "2. client 10.244.1.2:41003 → $UPLINK_IP:5300 UDP, one datagram and its reply."
  echo "3. client → $UPLINK_IP ICMP echo request id 4242 (python raw socket)."
  echo "4. client 10.244.1.2:41004 → web 10.244.1.3:8080 TCP (pod to pod)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The pod SYNs (frames $f_in, in on $CIF) left eth0 as frames $f_tcp with source $NODE_IP and the SAME source ports 41001/41002:"
  echo "  MASQUERADE (\`-s 10.244.0.0/16 ! -d 224.0.0.0/4 ... -j MASQUERADE\`) picked the eth0 address and kept the free port. The server saw $NODE_IP."
  echo "- The UDP datagram left as frame $f_udp ($NODE_IP:41003); the reply was de-masqueraded by conntrack to 10.244.1.2:41003 (frame $f_udpr)."
  echo "- The ICMP echo request left as frame $f_icmp from $NODE_IP; the echo reply reached the pod as frame $f_icmpr."
  echo "- MASQUERADE counted $masq packets: only the first packet of each of the 4 masqueraded flows (2 TCP, 1 UDP, 1 ICMP) traverses nat."
  echo "- Pod-to-pod (frame $f_p2p) was not NATed: \`-s 10.244.0.0/16 -d 10.244.0.0/16 ... -j RETURN\` counted $ret (its first packet); web saw 10.244.1.2."
  echo "- conntrack-L.txt holds each masqueraded flow with reply destination $NODE_IP and the original port."
  b_readme_tail 'nat:[A-Z-]+:rule|DROP'
} > "$BUNDLE/README.md"
pkp_finish
