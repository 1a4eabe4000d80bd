# shellcheck shell=bash
# lib-extra.sh - helpers of recorder engineer B on top of lib.sh (source lib.sh first).
#
# Adds: crafted/bound probes (b_probe: raw TCP flags, raw ICMP, TCP/UDP with a bound source,
# errno names and timings), a compact per-packet trace summary (b_trace_summary), frame lookups
# in the decoded capture (b_frames / b_expect_frames) and README assembly helpers. Every probe is
# bounded by `timeout`. Function names start with b_ so they never collide with lib.sh.

[ -n "${PKP_LIB_DIR:-}" ] || { echo "source lib.sh before lib-extra.sh" >&2; exit 1; }

# b_fail MESSAGE: like die, but also works inside $(...): it signals the main script (whose TERM trap
# exits and runs the cleanup), so a failed check never lets a bundle be kept.
B_MAIN_PID=$$
b_fail() { log "FATAL: $*"; kill -TERM "$B_MAIN_PID"; exit 1; }

# Python helpers the probe programs below and the scenarios' own programs start with (python3 -c "$B_PY_CHECKSUM..."):
# the Internet checksum of a crafted header (needs struct), and a datagram's tagged payload and short digest (needs
# hashlib).
B_PY_CHECKSUM="$(cat <<'PY'
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
PY
)"
B_PY_DATAGRAM="$(cat <<'PY'
def payload(size, tag):
    return (("%s %d " % (tag, size)).encode() + b"." * size)[:size]
def digest(b):
    return hashlib.sha1(b).hexdigest()[:10]
PY
)"

B_PY_PROBE="$B_PY_CHECKSUM
$(cat <<'PY'
import socket, struct, sys, time, select, errno, os

def ip_header(src, dst, proto, payload_len, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident, 0x4000, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]

FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}

def raw_send(src, dst, proto, l4):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    s.sendto(ip_header(src, dst, proto, len(l4), os.getpid() & 0xffff) + l4, (dst, 0))
    s.close()

def raw_tcp(src, dst, sport, dport, flags, seq, ack):
    f = 0
    for c in flags:
        f |= FLAGS[c]
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, f, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    raw_send(src, dst, 6, tcp)
    print("raw-tcp %s:%d -> %s:%d flags=%s seq=%d ack=%d sent" % (src, sport, dst, dport, flags, seq, ack))

def raw_icmp(src, dst, icmp_type, ident, seq):
    body = struct.pack("!BBHHH", icmp_type, 0, 0, ident, seq) + b"pktpath-b"
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    raw_send(src, dst, 1, body)
    print("raw-icmp %s -> %s type=%d id=%d seq=%d sent" % (src, dst, icmp_type, ident, seq))

def tcp_connect(dst, port, src, sport, timeout, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if src or sport:
        s.bind((src or "0.0.0.0", sport))
    s.settimeout(timeout)
    t0 = time.time()
    try:
        s.connect((dst, port))
    except OSError as e:
        name = "timeout" if isinstance(e, socket.timeout) else errno.errorcode.get(e.errno, str(e.errno))
        print("tcp %s:%d result=%s after=%.1fs" % (dst, port, name, time.time() - t0))
        s.close()
        return
    local = s.getsockname()
    reply = b""
    try:
        s.sendall(payload.encode())
        reply = s.recv(200)
    except OSError as e:
        print("tcp %s:%d from %s:%d result=connected-then-%s" % (dst, port, local[0], local[1],
              "timeout" if isinstance(e, socket.timeout) else errno.errorcode.get(e.errno, str(e.errno))))
        s.close()
        return
    s.close()
    print("tcp %s:%d from %s:%d result=connected reply=%r" % (dst, port, local[0], local[1], reply.decode(errors="replace").strip()))

def udp_send(dst, port, src, sport, timeout, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if src or sport:
        s.bind((src or "0.0.0.0", sport))
    s.connect((dst, port))
    s.settimeout(timeout)
    local = s.getsockname()
    try:
        s.send(payload.encode())
        data = s.recv(200)
        print("udp %s:%d from %s:%d result=reply reply=%r" % (dst, port, local[0], local[1], data.decode(errors="replace").strip()))
    except OSError as e:
        name = "timeout" if isinstance(e, socket.timeout) else errno.errorcode.get(e.errno, str(e.errno))
        print("udp %s:%d from %s:%d result=%s" % (dst, port, local[0], local[1], name))
    s.close()

def serve(proto, port, seconds, tag, bind):
    end = time.time() + seconds
    if proto == "tcp":
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((bind, port)); ls.listen(16)
        print("ready", flush=True)
        while time.time() < end:
            r, _, _ = select.select([ls], [], [], max(0.0, min(1.0, end - time.time())))
            if not r:
                continue
            c, peer = ls.accept()
            c.settimeout(2)
            try:
                c.recv(200)
                c.sendall(("%s port %d saw %s:%d\n" % (tag, port, peer[0], peer[1])).encode())
            except OSError:
                pass
            c.close()
    else:
        us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        us.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        us.bind((bind, port))
        print("ready", flush=True)
        while time.time() < end:
            r, _, _ = select.select([us], [], [], max(0.0, min(1.0, end - time.time())))
            if not r:
                continue
            data, peer = us.recvfrom(200)
            us.sendto(("%s port %d saw %s:%d\n" % (tag, port, peer[0], peer[1])).encode(), peer)

def race(dst, port, base_sport, rounds, interval, t0):
    # One UDP datagram per round from source port base_sport+i, sent at t0 + i*interval (absolute
    # time, so that two namespaces running this with the same t0 send at the same instant).
    for i in range(rounds):
        sport = base_sport + i
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sport))
        s.connect((dst, port))
        s.settimeout(interval * 0.8)
        delay = t0 + i * interval - time.time()
        if delay > 0:
            time.sleep(delay)
        sent = time.time()
        s.send(("race %d\n" % i).encode())
        try:
            data = s.recv(200).decode(errors="replace").strip()
            print("round=%d sport=%d sent=%.6f result=reply reply=%r" % (i, sport, sent, data))
        except OSError as e:
            name = "timeout" if isinstance(e, socket.timeout) else errno.errorcode.get(e.errno, str(e.errno))
            print("round=%d sport=%d sent=%.6f result=%s" % (i, sport, sent, name))
        sys.stdout.flush()
        s.close()

def main(a):
    cmd = a[0]
    if cmd == "tcp":      # tcp DST PORT [SRC] [SPORT] [TIMEOUT]
        tcp_connect(a[1], int(a[2]), a[3] if len(a) > 3 and a[3] != "-" else "", int(a[4]) if len(a) > 4 else 0,
                    float(a[5]) if len(a) > 5 else 3.0, "hello from pktpath\n")
    elif cmd == "udp":    # udp DST PORT [SRC] [SPORT] [TIMEOUT]
        udp_send(a[1], int(a[2]), a[3] if len(a) > 3 and a[3] != "-" else "", int(a[4]) if len(a) > 4 else 0,
                 float(a[5]) if len(a) > 5 else 2.0, "hello from pktpath\n")
    elif cmd == "rawtcp": # rawtcp SRC DST SPORT DPORT FLAGS [SEQ] [ACK]
        raw_tcp(a[1], a[2], int(a[3]), int(a[4]), a[5], int(a[6]) if len(a) > 6 else 1000, int(a[7]) if len(a) > 7 else 0)
    elif cmd == "rawicmp": # rawicmp SRC DST TYPE ID SEQ
        raw_icmp(a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
    elif cmd == "race":   # race DST PORT BASE_SPORT ROUNDS INTERVAL T0
        race(a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]), float(a[6]))
    elif cmd == "serve":  # serve tcp|udp PORT SECONDS TAG [BIND]
        serve(a[1], int(a[2]), float(a[3]), a[4], a[5] if len(a) > 5 else "0.0.0.0")
    else:
        sys.exit("unknown probe command " + cmd)
    sys.stdout.flush()

main(sys.argv[1:])
PY
)"

# b_probe NS ARGS...: run the python probe in namespace NS (pod name, "up", "node" or a full
# namespace name), bounded to 8 s. Commands:
#   tcp DST PORT [SRC|-] [SPORT] [TIMEOUT]      -> "tcp DST:PORT from S:P result=connected reply=..."
#                                                  or "tcp DST:PORT result=<ERRNO|timeout> after=Xs"
#   udp DST PORT [SRC|-] [SPORT] [TIMEOUT]      -> "udp DST:PORT from S:P result=reply|<ERRNO>|timeout"
#   rawtcp SRC DST SPORT DPORT FLAGS [SEQ] [ACK] (FLAGS from F,S,R,P,A, e.g. SA)
#   rawicmp SRC DST TYPE ID SEQ                 (type 0 = echo reply, 8 = echo request)
# (The same python also has `serve` for b_serve and `race DST PORT BASE_SPORT ROUNDS INTERVAL T0`,
# started with pkp_bg in two namespaces with the same absolute T0: see scenarios/snat-port-race.sh.)
# The output line is also appended to $WORK/probes.txt (copied to the bundle as probes.txt).
b_probe() {
  local ns out; ns="$(resolve_ns "$1")"; shift
  out="$(timeout 8 ip netns exec "$ns" python3 -c "$B_PY_PROBE" "$@" 2>&1)" || true
  [ -n "$out" ] || out="$* result=killed-by-timeout"
  printf '%s\n' "$out"
  printf '%s %s\n' "$(b_role "$ns")" "$out" >> "$WORK/probes.txt"
}

# b_role NS -> "[role]" where role is the namespace name without the pkp-TAG- prefix.
b_role() { echo "[${1#pkp-$TAG-}]"; }

# b_serve NS tcp|udp PORT SECONDS [BIND]: background server (any namespace, e.g. "up") that answers
# "<role> port P saw SRC:SPORT"; bounded by `timeout`. A UDP server answering for a secondary address
# must BIND it (otherwise its reply leaves from the primary address and matches no conntrack entry).
b_serve() {
  local ns; ns="$(resolve_ns "$1")"
  pkp_bg "bsrv-$2-$3-${ns#pkp-}-${5:-any}" timeout "$(( $4 + 5 ))" ip netns exec "$ns" \
    python3 -u -c "$B_PY_PROBE" serve "$2" "$3" "$4" "${ns#pkp-$TAG-}" "${5:-0.0.0.0}"
  local out="$WORK/bsrv-$2-$3-${ns#pkp-}-${5:-any}.out" i
  for i in $(seq 1 50); do grep -q ready "$out" 2>/dev/null && return 0; sleep 0.1; done
  b_fail "server $2/$3 in $ns did not start: $(cat "${out%.out}.err")"
}

# b_keep_probes: copy the probe log (client-side outcomes) into the bundle.
b_keep_probes() { [ -f "$WORK/probes.txt" ] && cp "$WORK/probes.txt" "$BUNDLE/probes.txt"; return 0; }

# b_frames PATTERN: frame numbers (from the decoded capture) whose line matches the ERE PATTERN,
# comma separated. Needs snapshot_state after (it writes $WORK/frames.txt).
b_frames() { grep -E -- "$1" "$WORK/frames.txt" | awk '{print $1}' | paste -sd, -; }

# b_expect_frames DESCRIPTION PATTERN [MIN]: die unless at least MIN (default 1) frames match;
# prints the frame numbers.
b_expect_frames() {
  local n; n=$(grep -cE -- "$2" "$WORK/frames.txt" || true)
  [ "$n" -ge "${3:-1}" ] || b_fail "expected >= ${3:-1} frames for '$1' (/$2/), found $n"
  b_frames "$2"
}

# b_expect_none DESCRIPTION PATTERN: die if any frame matches.
b_expect_none() {
  if grep -qE -- "$2" "$WORK/frames.txt"; then b_fail "unexpected frames for '$1': $(b_frames "$2")"; fi
}

# b_count TABLE PATTERN: packet counter of the first rule of TABLE containing PATTERN (grep -F)
# in iptables-save-c-after.txt; "-" when absent.
b_count() {
  awk -v t="$1" '/^\*/{tab=substr($0,2)} tab==t' "$BUNDLE/iptables-save-c-after.txt" \
    | grep -F -- "$2" | grep -m1 '^\[' | sed 's/^\[\([0-9]*\):.*/\1/' || echo -
}

# b_policy TABLE CHAIN: packet counter of a built-in chain policy from iptables-save-c-after.txt.
b_policy() {
  awk -v t="$1" -v c=":$2" '/^\*/{tab=substr($0,2)} tab==t && $1==c {split($3,a,":"); sub(/\[/,"",a[1]); print a[1]; exit}' \
    "$BUNDLE/iptables-save-c-after.txt"
}

# b_expect_count TABLE PATTERN OP N: die unless the rule counter satisfies OP N (-eq, -ge, ...).
b_expect_count() {
  local c; c="$(b_count "$1" "$2")"
  [ "$c" != - ] && test "$c" "$3" "$4" || b_fail "counter of '$2' in $1 is $c, expected $3 $4"
  echo "$c"
}

# b_trace_summary: one line per traced packet per hook from trace.txt:
#   "<IN>/<OUT> SRC>DST [proto SPORT>DPORT FLAGS] ID=n : table:chain:verdict ..."
# (the TRACE verdicts of that PACKET line, CONTINUE and raw TRACE rule hits left out).
b_trace_summary() {
  awk '
    /^PACKET:/ {
      inn = "-"; out = "-"; src = ""; dst = ""; id = ""; sp = ""; dp = ""; fl = ""
      for (i = 4; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == "IN") inn = kv[2]; else if (kv[1] == "OUT") out = kv[2]
        else if (kv[1] == "SRC") src = kv[2]; else if (kv[1] == "DST") dst = kv[2]
        else if (kv[1] == "ID") id = kv[2]; else if (kv[1] == "SPORT") sp = kv[2]
        else if (kv[1] == "DPORT") dp = kv[2]
        else if ($i ~ /^(SYN|ACK|FIN|RST|PSH|URG)$/) fl = fl (fl == "" ? "" : ",") $i
      }
      n++
      pk[n] = sprintf("%s/%s %s>%s%s%s ID=%s", inn, out, src, dst, (sp != "" ? " " sp ">" dp : ""), (fl != "" ? " " fl : ""), id)
      cur[$3] = n   # TRACE lines carry the trace id: concurrent packets interleave in the output
      next
    }
    /^ TRACE:/ {
      if (!($3 in cur)) next
      split($4, p, ":")
      if (p[3] == "rule" && p[5] == "CONTINUE") next
      vd = (p[3] == "rule") ? p[5] : p[4]
      if (vd == "0xfffffffb") vd = "RETURN"
      verdict = (p[3] == "rule") ? p[1] ":" p[2] ":rule" p[4] ":" vd : p[1] ":" p[2] ":policy:" vd
      v[cur[$3]] = v[cur[$3]] " " verdict
    }
    END { for (i = 1; i <= n; i++) print pk[i] " :" v[i] }
  ' "$BUNDLE/trace.txt"
}

# b_readme_topology: topology section (namespaces, addresses, node ifindexes for the SLL2 capture).
b_readme_topology() {
  echo "## Topology"
  echo
  topology_text
  echo
  echo "Interface indexes in the node namespace (SLL2 ifindex in capture.pcap): \`$(grep '^NODE_NS_IFACES=' "$BUNDLE/scenario.env" | cut -d= -f2-)\`"
  echo
}

# b_readme_tail [FOCUS_ERE]: appends the probe outcomes, the trace-summary lines matching FOCUS_ERE
# (default: drops, rejects, policy verdicts other than raw/nat ACCEPT, nat rule hits; at most 60
# lines) and lib.sh's generic facts. The whole summary goes to the bundle as trace-summary.txt.
b_readme_tail() {
  local focus="${1:-DROP|REJECT|filter:[A-Z]+:policy|nat:[A-Z-]+:rule}"
  b_trace_summary > "$BUNDLE/trace-summary.txt"
  echo
  echo "### Client-side outcome of each probe (probes.txt)"
  echo
  echo '```'
  cat "$WORK/probes.txt" 2>/dev/null
  echo '```'
  echo
  echo "### Trace summary, selected packets (trace-summary.txt has all $(wc -l < "$BUNDLE/trace-summary.txt") lines: IN/OUT, addresses, verdicts per hook)"
  echo
  echo '```'
  grep -E -- "$focus" "$BUNDLE/trace-summary.txt" | head -60
  echo '```'
  echo
  readme_facts
}

# b_netstat_snap before|after: kernel MIB counters of the node ns (/proc/net/snmp + netstat) into
# $WORK; with "after" also writes $BUNDLE/netstat-counters.txt: "Group.Name before after delta"
# for every counter that moved (e.g. Ip.InAddrErrors, TcpExt.IPReversePathFilter, Icmp.OutDestUnreachs).
b_netstat_snap() {
  nsx "$NODE_NS" cat /proc/net/snmp /proc/net/netstat | awk '
    NR % 2 == 1 { n = split($0, names, " "); next }
    { split($0, vals, " "); g = names[1]; sub(":", "", g); for (i = 2; i <= n; i++) print g "." names[i], vals[i] }' \
    > "$WORK/netstat-$1"
  if [ "$1" = after ]; then
    awk 'NR == FNR { b[$1] = $2; next } ($1 in b) && $2 != b[$1] { print $1, b[$1], $2, $2 - b[$1] }' \
      "$WORK/netstat-before" "$WORK/netstat-after" > "$BUNDLE/netstat-counters.txt"
  fi
}

# b_netstat_delta NAME: delta of one counter (e.g. Ip.InAddrErrors) from netstat-counters.txt, 0 if unchanged.
b_netstat_delta() { awk -v n="$1" '$1 == n { print $4; f = 1 } END { if (!f) print 0 }' "$BUNDLE/netstat-counters.txt"; }

# b_ct_stat FIELD [before]: sum over CPUs of one `conntrack -S` field (e.g. invalid, drop, clash_resolve).
b_ct_stat() {
  local f="$BUNDLE/conntrack-S.txt"; [ "${2:-}" = before ] && f="$BUNDLE/conntrack-S-before.txt"
  grep -o "\<$1=[0-9]*" "$f" | cut -d= -f2 | awk "{ s += \$1 } END { print s + 0 }"
}

# b_frame_time N: capture timestamp (seconds, from the -tt listing) of frame N.
b_frame_time() { awk -v n="$1" '$1 == n { print $2; exit }' "$WORK/frames.txt"; }

# b_dt A B: B - A in seconds with 2 decimals (frame times).
b_dt() { echo "$(b_frame_time "$2") $(b_frame_time "$1")" | awk '{ printf "%.2f", $1 - $2 }'; }

# b_bridge_nf_node VALUE: the node of bridge-nf-off and bridge-nf-on, which differ only in VALUE, the node's
# net.bridge.bridge-nf-call-iptables: bridge br-pkp with containers a and b, an uplink, filter FORWARD policy DROP
# with a container-to-container DROP rule first, MASQUERADE out of the bridge; servers on b (tcp 8080, udp 5300)
# and on the uplink (tcp 9000).
b_bridge_nf_node() {
  make_node_ns; make_uplink_ns
  make_bridge br-pkp 172.17.0.1/16
  add_bridge_pod a 172.17.0.2/16 172.17.0.1 br-pkp
  add_bridge_pod b 172.17.0.3/16 172.17.0.1 br-pkp
  nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables="$1" >/dev/null
  cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 172.17.0.0/16 ! -o br-pkp -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i br-pkp -o br-pkp -m comment --comment "container to container, only seen with bridge-nf-call-iptables=1" -j DROP
-A FORWARD -o br-pkp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i br-pkp ! -o br-pkp -j ACCEPT
COMMIT
R
  cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
  load_rules "$WORK/rules.v4"
  b_serve b tcp 8080 40; b_serve b udp 5300 40; b_serve up tcp 9000 40
}

# b_two_uplink_node: the node of policy-routing-fwmark and policy-routing-reply-mark: pod client 10.244.1.2, the
# first uplink on eth0 and a second one (namespace UP2_NS, 172.18.1.1) on eth1, both answering for 10.50.0.10; table
# 100 routes by default through the second uplink and `ip rule fwmark 0x10 lookup 100` sends marked packets there.
b_two_uplink_node() {
  local ns
  make_node_ns; make_uplink_ns
  add_pod client 10.244.1.2
  UP2_NS="pkp-$TAG-up2"
  new_ns "$UP2_NS"
  ip -n "$NODE_NS" link add eth1 type veth peer name eth0 netns "$UP2_NS"
  ip -n "$NODE_NS" addr add 172.18.1.2/24 dev eth1
  ip -n "$UP2_NS" addr add 172.18.1.1/24 dev eth0
  ip -n "$NODE_NS" link set eth1 up; ip -n "$UP2_NS" link set eth0 up
  ip -n "$UP2_NS" route add default via 172.18.1.2 dev eth0
  for ns in "$UPLINK_NS" "$UP2_NS"; do ip -n "$ns" addr add 10.50.0.10/32 dev lo; done
  ip -n "$NODE_NS" route add default via 172.18.1.1 dev eth1 table 100
  ip -n "$NODE_NS" rule add fwmark 0x10 lookup 100 priority 100
  env_put UPLINK2_NS "$UP2_NS"; env_put NODE_IP2 172.18.1.2; env_put UPLINK2_IP 172.18.1.1
}

# b_nkp_node [CLIENT6 WEB1_6 WEB2_6]: the node of nft-kube-proxy and nft-kube-proxy6: node and uplink, and the
# Calico-style pods client 10.244.1.2, web1 10.244.1.3 and web2 10.244.1.4 (with these IPv6 addresses in the IPv6 one).
b_nkp_node() {
  make_node_ns; make_uplink_ns
  add_pod client 10.244.1.2 "${1:-}"
  add_pod web1 10.244.1.3 "${2:-}"
  add_pod web2 10.244.1.4 "${3:-}"
}

# b_nkp_hash TEXT: the 8 base32 characters of sha256(TEXT) with which kube-proxy's nftables mode (pkg/proxy/nftables)
# names its chains: service-/external-/endpoint- + the hash of the service port name (and endpoint) + the readable name.
b_nkp_hash() { python3 -c 'import hashlib,base64,sys; print(base64.b32encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode()[:8])' "$1"; }

# b_nkp_table 4|6 CLUSTER_IPS SERVICE_CIDR NO_ENDPOINT_ELEMENTS SERVICE_ELEMENTS [NODEPORT_ELEMENTS [FIREWALL_ELEMENTS
# [NO_ENDPOINT_NODEPORT_ELEMENTS]]]: prints the start of kube-proxy's nftables-mode table (`table ip kube-proxy`, or
# `table ip6 kube-proxy`) as pkg/proxy/nftables writes it: the sets cluster-ips (CLUSTER_IPS, comma separated) and
# nodeport-ips (the node's eth0 address), the maps firewall-ips, no-endpoint-nodeports, no-endpoint-services,
# service-ips and service-nodeports (the elements given, the map empty when they are "" or left out), and the chains
# every service shares (cluster-ips-check dropping the rest of SERVICE_CIDR, filter-*, nat-*, firewall-check,
# mark-for-masquerade, masquerading, reject-chain, services, the *-endpoints-check).
# The scenario appends its service-, external- and endpoint- chains and the closing brace.
b_nkp_table() {
  local fam=ip addr=ipv4_addr d="ip daddr" node="$NODE_IP" ne se np fw nn
  [ "$1" = 6 ] && { fam=ip6; addr=ipv6_addr; d="ip6 daddr"; node="$NODE_IP6"; }
  ne="${4:+ elements = { $4 \};}"; se="${5:+ elements = { $5 \};}"; np="${6:+ elements = { $6 \};}"
  fw="${7:+ elements = { $7 \};}"; nn="${8:+ elements = { $8 \};}"
  cat <<N
table $fam kube-proxy {
	comment "rules for kube-proxy"
	set cluster-ips { type $addr; comment "Active ClusterIPs"; elements = { $2 }; }
	set nodeport-ips { type $addr; comment "IPs that accept NodePort traffic"; elements = { $node }; }
	map firewall-ips { type $addr . inet_proto . inet_service : verdict; comment "destinations that are subject to LoadBalancerSourceRanges";$fw }
	map no-endpoint-nodeports { type inet_proto . inet_service : verdict; comment "vmap to drop or reject packets to service nodeports with no endpoints";$nn }
	map no-endpoint-services { type $addr . inet_proto . inet_service : verdict; comment "vmap to drop or reject packets to services with no endpoints";$ne }
	map service-ips { type $addr . inet_proto . inet_service : verdict; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic";$se }
	map service-nodeports { type inet_proto . inet_service : verdict; comment "NodePort traffic";$np }
	chain cluster-ips-check { $d @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"; $d { $3 } drop comment "Drop traffic to unallocated ClusterIPs"; }
	chain filter-prerouting-pre-dnat { type filter hook prerouting priority -110; policy accept; ct state new jump firewall-check; }
	chain filter-output-pre-dnat { type filter hook output priority -110; policy accept; ct state new jump firewall-check; }
	chain filter-forward { type filter hook forward priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
	chain filter-input { type filter hook input priority 0; policy accept; ct state new jump nodeport-endpoints-check; ct state new jump service-endpoints-check; }
	chain filter-output { type filter hook output priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
	chain firewall-check { $d . meta l4proto . th dport vmap @firewall-ips; }
	chain mark-for-masquerade { mark set mark or 0x4000; }
	chain masquerading { mark and 0x4000 == 0 return; mark set mark xor 0x4000; masquerade fully-random; }
	chain nat-output { type nat hook output priority -100; policy accept; jump services; }
	chain nat-postrouting { type nat hook postrouting priority 100; policy accept; jump masquerading; }
	chain nat-prerouting { type nat hook prerouting priority -100; policy accept; jump services; }
	chain nodeport-endpoints-check { $d @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports; }
	chain reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports"; reject; }
	chain services { $d . meta l4proto . th dport vmap @service-ips; $d @nodeport-ips meta l4proto . th dport vmap @service-nodeports; }
	chain service-endpoints-check { $d . meta l4proto . th dport vmap @no-endpoint-services; }
N
}

# b_nft_load FILE: keep FILE as the bundle's nft-input.txt and load it into the node with `nft -f`.
b_nft_load() {
  cp "$1" "$BUNDLE/nft-input.txt"
  nsx "$NODE_NS" nft -f "$1" || b_fail "nft -f $(basename "$1") failed"
}
