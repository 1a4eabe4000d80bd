#!/usr/bin/env bash
# nft-native-firewall: a node whose iptables rules accept TCP 10250 AND a native nftables table
# (`table inet pkp_fw`, loaded with `nft -f`, like firewalld's or a hand-written /etc/nftables.conf)
# whose input base chain at priority filter + 10 drops TCP 8081. iptables-save cannot show that
# table: the uplink's SYN to 8081 passes every iptables chain and is then dropped by the native
# chain (the client times out although a server listens on 8081). A second native chain, on output,
# only counts. nft-ruleset.txt is `nft -a list ruleset`; nft-trace.txt is `nft monitor trace`, which
# shows the native chains too (the raw TRACE rules set nftrace, which the native chains inherit).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nftn"
pkp_init nft-native-firewall
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 10250 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
cat > "$WORK/native.nft" <<'N'
table inet pkp_fw {
	chain input {
		type filter hook input priority filter + 10; policy accept;
		tcp dport 8081 counter drop
	}
	chain output {
		type filter hook output priority filter + 10; policy accept;
		counter
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"
b_serve node tcp 10250 60
b_serve node tcp 8081 60
ip netns exec "$NODE_NS" ss -tlnp > "$BUNDLE/ss-tlnp.txt"

snapshot_state before
start_capture; start_trace nft
b_probe up tcp "$NODE_IP" 10250 - 44000; sleep 0.3            # iptables ACCEPTs it, the native chain lets it pass
b_probe up tcp "$NODE_IP" 8081 - 44001 2.5; sleep 0.3         # the native input chain drops it: timeout
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "control 10250" "tcp $NODE_IP:10250 from $UPLINK_IP:44000 result=connected"
ck "8081 dropped" "tcp $NODE_IP:8081 result=timeout"
grep -q ":8081 " "$BUNDLE/ss-tlnp.txt" || b_fail "ss shows no listener on 8081"
grep -q 'table inet pkp_fw' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
grep -q 'pkp_fw' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows the native table"
native_drops=$(sed -n 's/.*tcp dport 8081 counter packets \([0-9]*\) .*/\1/p' "$BUNDLE/nft-ruleset.txt")
[ "${native_drops:-0}" -ge 1 ] || b_fail "the native drop rule counted ${native_drops:-nothing}"
b_expect_count filter '--dport 10250 -j ACCEPT' -ge 2 > /dev/null
s10250=$(b_expect_frames "syn 10250" "eth0 +In +IP $UPLINK_IP\.44000 > $NODE_IP\.10250: Flags \[S\]" 1)
sa10250=$(b_expect_frames "syn-ack 10250" "eth0 +Out +IP $NODE_IP\.10250 > $UPLINK_IP\.44000: Flags \[S\.\]" 1)
s8081=$(b_expect_frames "syn 8081" "eth0 +In +IP $UPLINK_IP\.44001 > $NODE_IP\.8081: Flags \[S\]" 1)
b_expect_none "answer from 8081" "eth0 +Out +IP $NODE_IP\.8081 > "
nft_drop=$(grep -c 'inet pkp_fw input .*verdict drop' "$BUNDLE/nft-trace.txt" || true)
[ "$nft_drop" -ge 1 ] || b_fail "nft-trace.txt shows no drop verdict of inet pkp_fw input"
xt_native_drops=$(grep -c 'TRACE: 1 [0-9a-f]* pkp_fw:input:rule:0x[0-9a-f]*:DROP' "$BUNDLE/trace.txt" || true)
policy_8081=$(b_trace_summary | grep -c "172.18.0.1>172.18.0.2 44001>8081 SYN .*filter:INPUT:policy:ACCEPT" || true)
env_put CLIENT_IP "$UPLINK_IP"; env_put NATIVE_DROPS "$native_drops"

{
  echo "# nft-native-firewall: a native nftables chain drops what the iptables rules accept"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP. The node listens on TCP 10250 and TCP 8081"
  echo "(\`ss-tlnp.txt\`)."
  echo
  echo "Rules: iptables (rules-input.txt, loaded with iptables-restore, nf_tables variant) filter INPUT"
  echo "\`-p tcp --dport 10250 -j ACCEPT\`, every policy ACCEPT. Beside them a native nftables table (nft-input.txt,"
  echo "loaded with \`nft -f\`): \`table inet pkp_fw\`, chain input \`type filter hook input priority filter + 10; policy accept;\`"
  echo "with \`tcp dport 8081 counter drop\`, and chain output (same priority) with only \`counter\`. iptables-save.txt"
  echo "does not show that table; nft-ruleset.txt (\`nft -a list ruleset\`, after the traffic) shows both iptables-nft's"
  echo "tables and the native one, with its counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Uplink $UPLINK_IP: :44000 → $NODE_IP:10250 TCP, :44001 → $NODE_IP:8081 TCP (2.5 s connect timeout)."
  echo
  echo "## What the kernel did"
  echo
  echo "- 10250: SYN frame $s10250, SYN-ACK frame $sa10250; the filter INPUT ACCEPT rule counted $(b_count filter '--dport 10250 -j ACCEPT') packets."
  echo "- 8081: the SYN (frames $s8081, the client's retransmission included) passed filter INPUT (policy ACCEPT:"
  echo "  $policy_8081 trace-summary line(s) of \`filter:INPUT:policy:ACCEPT\` for it in trace.txt), then the native"
  echo "  chain inet pkp_fw input (priority 10, after iptables' filter INPUT at 0) dropped it: nft-trace.txt has"
  echo "  $nft_drop \`inet pkp_fw input ... verdict drop\` line(s), and the rule's counter in nft-ruleset.txt is"
  echo "  $native_drops packet(s). Nothing answered (no SYN-ACK, no RST) although a server listens on 8081; the"
  echo "  client timed out."
  echo "- trace.txt (xtables-monitor --trace) prints the native chain's steps too, as family 1 (inet) lines without the"
  echo "  rule's text: after filter:INPUT:policy:ACCEPT each 8081 SYN ends with \`pkp_fw:input:rule:0x3:DROP\`"
  echo "  ($xt_native_drops such line(s)). iptables-save.txt has no trace of the native table; nft-trace.txt has the rule's text."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
  echo
  echo "### nft monitor trace of the SYNs to 8081 (nft-trace.txt, every table they met)"
  echo
  echo '```'
  ids=$(grep -E 'packet: .*tcp dport 8081 ' "$BUNDLE/nft-trace.txt" | awk '{print $3}' | sort -u | paste -sd'|' -)
  # indented: a line starting with "trace id" would make this README look like a trace log
  grep -E "^trace id ($ids) " "$BUNDLE/nft-trace.txt" | head -40 | sed 's/^/  /'
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
