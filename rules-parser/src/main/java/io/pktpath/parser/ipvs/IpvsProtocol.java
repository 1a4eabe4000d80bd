package io.pktpath.parser.ipvs;

/** The kind of an IPVS virtual service: a TCP, UDP or SCTP address and port, or a firewall mark (FWM). */
public enum IpvsProtocol {
    TCP(6), UDP(17), SCTP(132), FWM(-1);

    private final int number;

    IpvsProtocol(int number) {
        this.number = number;
    }

    /** The IP protocol number, or -1 for a firewall-mark service (which matches packets by mark, not by protocol). */
    public int number() {
        return number;
    }
}
