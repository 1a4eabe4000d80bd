package io.pktpath.core.findings;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.ipvs.IpvsMode;
import io.pktpath.parser.ipvs.VirtualService;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The replayed frames that went to an IPVS virtual address, the evidence of IPVS_NOT_REPLAYED: per virtual service of
 * the ipvsadm table (address, protocol and port), else per address of {@value IpvsMode#DUMMY}. Only frames entering the
 * node or sent by it count (IPVS sees them at LOCAL_IN and LOCAL_OUT), by the destination they had when captured.
 * Memory is bounded ({@link FrameSample}).
 */
final class IpvsTracker {
    /** The frames to one virtual service, or to one address of kube-ipvs0 that no virtual service names. */
    static final class Target {
        final Optional<VirtualService> service;
        final IpAddress address;
        final FrameSample frames = new FrameSample();

        Target(Optional<VirtualService> service, IpAddress address) {
            this.service = service;
            this.address = address;
        }
    }

    /** What picks a virtual service for a frame: its destination, IP protocol and destination port. */
    private record ServiceKey(IpAddress address, int proto, int port) {
    }

    final IpvsMode mode;
    private final List<VirtualService> services;
    /** The services with an address by what picks them, the first in ipvsadm order where two share it. */
    private final Map<ServiceKey, VirtualService> byKey = new java.util.HashMap<>();
    final Map<VirtualService, Target> serviceTargets = new LinkedHashMap<>();
    final Map<IpAddress, Target> dummyTargets = new LinkedHashMap<>();
    final FrameSample all = new FrameSample();
    /** How the replay ended the frames to a virtual address, in {@link Disposition} order. */
    final Map<Disposition, Long> dispositions = new java.util.EnumMap<>(Disposition.class);

    IpvsTracker(IpvsMode mode) {
        this.mode = mode;
        this.services = mode.detected() ? mode.table().map(t -> t.services()).orElse(List.of()) : List.of();
        for (VirtualService s : services) {
            s.address().ifPresent(a -> byKey.putIfAbsent(new ServiceKey(a, s.protocol().number(), s.port()), s));
        }
        if (mode.detected()) {
            for (IpAddress a : mode.dummyAddresses()) {
                dummyTargets.put(a, new Target(Optional.empty(), a));
            }
        }
    }

    boolean active() {
        return mode.detected();
    }

    void accept(PacketTrace t) {
        if (!mode.detected() || (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT)) {
            return;
        }
        PacketSummary p = t.datagram();
        if (p.dst().isEmpty()) {
            return;
        }
        IpAddress dst = p.dst().get();
        VirtualService s = byKey.isEmpty() ? null : byKey.get(new ServiceKey(dst, p.proto(), p.dport()));
        if (s != null) {
            serviceTargets.computeIfAbsent(s, k -> new Target(Optional.of(k), dst)).frames.add(t.packet().frame());
            counted(t);
            return;
        }
        Target d = dummyTargets.get(dst);
        if (d != null) {
            d.frames.add(t.packet().frame());
            counted(t);
        }
    }

    private void counted(PacketTrace t) {
        all.add(t.packet().frame());
        dispositions.merge(t.disposition(), 1L, Long::sum);
    }

    /** The targets that frames went to: services in ipvsadm order, then kube-ipvs0's addresses in listed order. */
    List<Target> hit() {
        List<Target> out = new ArrayList<>();
        for (VirtualService s : services) {
            Target t = serviceTargets.get(s);
            if (t != null) {
                out.add(t);
            }
        }
        dummyTargets.values().stream().filter(t -> t.frames.count() > 0).forEach(out::add);
        return out;
    }
}
