package io.pktpath.core.trace;

import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Objects;

/**
 * The ICMP redirect (host) the kernel sent to a forwarded packet's source because the packet left on the interface it
 * came in on (ip_forward, before the FORWARD hook): its addresses, the gateway it names, its IP length and output
 * device, the steps it walked through OUTPUT (and POSTROUTING when it left), and whether it left or nf_nat dropped it at
 * nat OUTPUT (a redirect RELATED to a connection whose NAT is not done or not null), with a sentence saying which.
 */
public record IcmpRedirect(IpAddress source, IpAddress destination, IpAddress gateway, String outIface, int length,
                           List<TraceStep> path, boolean dropped, String outcome) {
    public IcmpRedirect {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(outIface, "outIface");
        path = List.copyOf(path);
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The steps the kernel's TRACE prints for the redirect: rules that matched and base-chain policies. */
    public List<TraceStep> kernelSteps() {
        return path.stream().filter(TraceStep::isKernelTraceStep).toList();
    }
}
