package io.pktpath.parser.ipset;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** An ipset type such as {@code hash:net,port}: its method ({@code hash}, {@code bitmap}, {@code list}) and dimensions. */
public record SetType(String name, String method, List<Dimension> dimensions) {
    public SetType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(method, "method");
        dimensions = List.copyOf(dimensions);
    }

    /** Parses {@code method:dim,dim...}; empty when the method or a dimension is not one ipset knows. */
    public static Optional<SetType> parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String method = text.substring(0, colon);
        if (!method.equals("hash") && !method.equals("bitmap") && !method.equals("list")) {
            return Optional.empty();
        }
        List<Dimension> dims = new java.util.ArrayList<>();
        for (String d : text.substring(colon + 1).split(",", -1)) {
            Dimension dim = switch (d) {
                case "ip" -> Dimension.IP;
                case "net" -> Dimension.NET;
                case "port" -> Dimension.PORT;
                case "mac" -> Dimension.MAC;
                case "iface" -> Dimension.IFACE;
                case "mark" -> Dimension.MARK;
                case "set" -> Dimension.SET;
                default -> null;
            };
            if (dim == null) {
                return Optional.empty();
            }
            dims.add(dim);
        }
        return Optional.of(new SetType(text, method, dims));
    }

    /**
     * Whether entries can be {@code nomatch} (IPSET_TYPE_NOMATCH): the hash types with a net dimension, such as hash:net,
     * hash:net,port, hash:ip,port,net and hash:net,iface.
     */
    public boolean hasNomatchEntries() {
        return method.equals("hash") && dimensions.contains(Dimension.NET);
    }

    @Override
    public String toString() {
        return name;
    }
}
