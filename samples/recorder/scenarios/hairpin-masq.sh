#!/usr/bin/env bash
# hairpin-masq / hairpin-nomasq: a pod connects to its own service (DNAT back to itself, out the
# same cali interface it came in). With KP_HAIRPIN_MASQ=1 the KUBE-SEP chain has kube-proxy's
# "-s <endpoint>/32 -j KUBE-MARK-MASQ" rule; hairpin-nomasq.sh runs this script with it removed.
source "$(dirname "$0")/../lib.sh"
SCN="${HAIRPIN_SCENARIO:-hairpin-masq}"
pkp_init "$SCN"

CIP=10.96.0.20; PORT=80; TPORT=8080; N=${N:-3}; POD=10.244.1.3
make_node_ns; make_uplink_ns
add_pod web1 "$POD"
kp_reset
kp_service default/self:http tcp "$CIP" "$PORT" - cluster "$POD:$TPORT"
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
tcp_server web1 "$TPORT" 40

snapshot_state before
start_extra_capture web1 capture-pod-web1.pcap; PODCAP=$PKP_LAST_PID
start_capture; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect web1 "$CIP" "$PORT" "self-$i" 3 | tee -a "$WORK/client.txt"
  sleep 0.2
done
stop_trace; stop_capture; stop_extra_capture "$PODCAP"
snapshot_state after
ns_frames web1 capture-pod-web1.pcap > "$WORK/podframes.txt"
nsx "$(pod_ns web1)" nstat -az 2>/dev/null | grep -E 'IpInAddrErrors|IpExtInNoRoutes|IpInDiscards|TcpExtTCPTimeouts|TcpAttemptFails|TcpOutRsts|TcpInErrs' > "$WORK/podnstat.txt" || true

ok=$(grep -c 'reply=web1:' "$WORK/client.txt" || true)
env_put CLIENT_IP "$POD"; env_put SERVICE "$CIP:$PORT/tcp"; env_put ENDPOINTS "$POD:$TPORT"
env_put HAIRPIN_MASQ_RULE "$KP_HAIRPIN_MASQ"; env_put CONNECTIONS "$N"; env_put CONNECTIONS_ANSWERED "$ok"
{
  if [ "$KP_HAIRPIN_MASQ" = 1 ]; then
    echo "# hairpin-masq: a pod reaches itself through its ClusterIP, WITH the KUBE-SEP hairpin masquerade rule"
  else
    echo "# hairpin-nomasq: a pod reaches itself through its ClusterIP, WITHOUT the KUBE-SEP hairpin masquerade rule"
  fi
  echo; echo "## Topology"; echo; topology_text; echo
  echo "One pod web1 $POD (Calico-style veth, no bridge, so no bridge hairpin mode is involved). Service \`default/self:http\`"
  echo "$CIP:$PORT/tcp → $POD:$TPORT (web1 itself). KUBE-SEP rule \`-s $POD/32 -j KUBE-MARK-MASQ\`: $([ "$KP_HAIRPIN_MASQ" = 1 ] && echo present || echo ABSENT)."
  echo "\`capture-pod-web1.pcap\` is a second capture taken inside the pod namespace (\`tcpdump -i any\` there)."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections from web1 ($POD) to $CIP:$PORT (3 s timeout each), 200 ms apart."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "Pod-side SNMP counters after the traffic (\`nstat -az\` in the pod namespace):"; echo; echo '```'; cat "$WORK/podnstat.txt"; echo '```'; echo
  echo "Server log of web1:"; echo; echo '```'; cat "$WORK/tcpsrv-web1-$TPORT.out"; echo '```'; echo
  echo "- $ok of $N connections were answered."
  if [ "$ok" = "$N" ]; then
    echo "- Each SYN entered on web1's cali interface, nat PREROUTING DNATed it $CIP:$PORT → $POD:$TPORT (KUBE-SEP-…), and the"
    echo "  KUBE-SEP rule \`-s $POD/32 -j KUBE-MARK-MASQ\` set mark 0x4000; routing sent it back out the SAME cali interface;"
    echo "  KUBE-POSTROUTING MASQUERADE --random-fully rewrote the source to the node address and a random port (see the NAT lines"
    echo "  and the server log: web1 saw the connection coming from the node, not from itself). Replies came back to the node"
    echo "  and were un-NATed to $CIP:$PORT → $POD:<client port>. Full handshake, data and FIN in both captures."
  elif [ "$ok" = 0 ]; then
    echo "- Each SYN entered on web1's cali interface, nat PREROUTING DNATed it $CIP:$PORT → $POD:$TPORT, no mark was set"
    echo "  (no hairpin masquerade rule; source in $POD_CIDR), KUBE-POSTROUTING RETURNed, and the node forwarded it back out the"
    echo "  SAME cali interface with source AND destination $POD (frames with \"Out IP $POD.x > $POD.$TPORT\")."
    echo "- The pod's kernel received each of them on eth0 (capture-pod-web1.pcap, \"In\") and answered NOTHING: no SYN-ACK, no RST."
    echo "  A packet arriving from outside with one of the host's own addresses as source fails input routing's source"
    echo "  validation (\"martian source\"; accept_local=0 in the pod) and is dropped silently — no nstat counter above moved."
    echo "  The client retransmitted each SYN (1 s, 2 s) until its 3 s timeout; every conntrack entry stayed SYN_SENT [UNREPLIED]."
    echo "  Side check made with the same setup (not part of this bundle): with accept_local=1 in the pod the SYN is accepted,"
    echo "  the SYN-ACK $POD:$TPORT → $POD:<port> goes over the pod's lo (never through the node), and the client socket, which is"
    echo "  connected to $CIP:$PORT, does not match it and answers RST; the connection fails either way."
  else
    echo "- Mixed outcome: $ok of $N answered; see the frames and counters below."
  fi
  echo
  echo "### Frames inside the pod (capture-pod-web1.pcap)"; echo; echo '```'; head -40 "$WORK/podframes.txt"; echo '```'; echo
  readme_facts
} > "$BUNDLE/README.md"
pkp_finish
