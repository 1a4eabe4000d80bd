package io.pktpath.parser.ipvs;

import java.util.List;
import java.util.Objects;

/** The IPVS virtual services read from one {@code ipvsadm -Ln} or {@code ipvsadm-save -n} file, in file order. */
public record IpvsTable(String file, List<VirtualService> services) {
    public IpvsTable {
        Objects.requireNonNull(file, "file");
        services = List.copyOf(services);
    }

    /** The number of real servers over all services. */
    public int realServerCount() {
        return services.stream().mapToInt(s -> s.realServers().size()).sum();
    }
}
