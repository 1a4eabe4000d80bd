package io.pktpath.parser.ipvs;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Parses the IPVS table as {@code ipvsadm -Ln} lists it (a header, service lines {@code TCP  10.96.0.1:443 rr
 * [persistent N]} or {@code FWM  1 rr}, real-server lines {@code  -> 10.244.1.5:8080 Masq 1 0 0}) or as
 * {@code ipvsadm-save -n} / {@code ipvsadm -Sn} writes it ({@code -A -t ADDR:PORT -s rr [-p N]},
 * {@code -a -t ADDR:PORT -r ADDR:PORT -m -w 1}); a line that is neither is an error naming its line and what was
 * expected, and every other line is kept.
 */
public final class IpvsadmParser {
    /** How the first line of an {@code ipvsadm -L} listing starts. */
    public static final String LISTING_HEADER = "IP Virtual Server version";
    /** A line of {@code ipvsadm-save}: an add-service or add-server command naming a service. */
    public static final Pattern SAVE_LINE = Pattern.compile("^-[Aa]\\s+(-[tuf]|--tcp-service|--udp-service"
            + "|--sctp-service|--fwmark-service)\\s+\\S+.*");
    private static final String SERVICE = "a service line such as 'TCP  10.96.0.1:443 rr' or 'FWM  1 rr'";
    private static final String SERVER = "a real-server line such as '  -> 10.244.1.5:8080  Masq  1  0  0'";
    private static final String SAVE = "an ipvsadm-save command such as '-A -t 10.96.0.1:443 -s rr' or "
            + "'-a -t 10.96.0.1:443 -r 10.244.1.5:8080 -m -w 1'";

    private final String file;
    private final Diagnostics diags = new Diagnostics();
    private final List<VirtualService> services = new ArrayList<>();

    private IpvsadmParser(String file) {
        this.file = file;
    }

    /** Reads either form (a file may even mix them); never throws for bad input. */
    public static Parsed<IpvsTable> parse(String file, String text) {
        IpvsadmParser p = new IpvsadmParser(file);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            p.line(lines[i], i + 1);
        }
        return new Parsed<>(new IpvsTable(file, p.services), p.diags.toList());
    }

    private void line(String line, int number) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith(LISTING_HEADER) || t.startsWith("Prot ")
                || t.startsWith("-> RemoteAddress")) {
            return;
        }
        SourceSpan span = SourceSpan.line(file, number);
        try {
            if (t.startsWith("-> ")) {
                listedServer(t.substring(3).strip().split("\\s+"), number);
            } else if (t.startsWith("-A ") || t.startsWith("-a ")) {
                saved(t.split("\\s+"), number);
            } else {
                listedService(t.split("\\s+"), number);
            }
        } catch (Bad e) {
            diags.error("bad-ipvsadm-line", e.getMessage(), e.expected, span, line);
        }
    }

    /** {@code TCP 10.96.0.1:443 rr [persistent 10800] [mask M] [ops] [(flags)]}. */
    private void listedService(String[] w, int number) throws Bad {
        IpvsProtocol protocol = switch (w[0]) {
            case "TCP" -> IpvsProtocol.TCP;
            case "UDP" -> IpvsProtocol.UDP;
            case "SCTP" -> IpvsProtocol.SCTP;
            case "FWM" -> IpvsProtocol.FWM;
            default -> throw new Bad("'" + w[0] + "' starts no ipvsadm line", SERVICE + ", or " + SERVER);
        };
        if (w.length < 3) {
            throw new Bad("a virtual service needs an address and a scheduler", SERVICE);
        }
        OptionalInt persistent = OptionalInt.empty();
        for (int i = 3; i < w.length; i++) {
            switch (w[i]) {
                case "persistent" -> {
                    if (i + 1 >= w.length) {
                        throw new Bad("'persistent' without its timeout", "persistent SECONDS");
                    }
                    persistent = OptionalInt.of(number(w[++i], "a timeout in seconds"));
                }
                case "mask", "pe" -> i++;
                case "ops" -> { }
                default -> {
                    if (!w[i].startsWith("(")) {
                        throw new Bad("unknown word '" + w[i] + "' after the scheduler",
                                "persistent N, mask M, ops, pe NAME or scheduler flags in parentheses");
                    }
                }
            }
        }
        services.add(service(protocol, w[1], w[2], persistent, number));
    }

    /** {@code 10.244.1.5:8080 Masq 1 0 0}: address, Forward, Weight, ActiveConn, InActConn. */
    private void listedServer(String[] w, int number) throws Bad {
        if (services.isEmpty()) {
            throw new Bad("a real server before any virtual service", SERVICE + " first");
        }
        if (w.length < 3) {
            throw new Bad("a real server needs its address, forward method and weight", SERVER);
        }
        Endpoint e = endpoint(w[0]);
        ForwardMethod forward = ForwardMethod.ofListing(w[1]);
        if (forward == null) {
            throw new Bad("unknown forward method '" + w[1] + "'", "Masq, Route, Tunnel or Local");
        }
        int last = services.size() - 1;
        services.set(last, services.get(last).with(new RealServer(e.address, e.port, forward, number(w[2], "a weight"))));
    }

    /** {@code -A -t ADDR:PORT -s rr [-p N]} or {@code -a -t ADDR:PORT -r ADDR:PORT [-g|-i|-m] [-w N]}. */
    private void saved(String[] w, int number) throws Bad {
        boolean server = w[0].equals("-a");
        IpvsProtocol protocol = null;
        String service = null;
        String scheduler = "wlc";
        OptionalInt persistent = OptionalInt.empty();
        String real = null;
        ForwardMethod forward = ForwardMethod.ROUTE;
        int weight = 1;
        for (int i = 1; i < w.length; i++) {
            String o = w[i];
            switch (o) {
                case "-t", "--tcp-service", "-u", "--udp-service", "--sctp-service", "-f", "--fwmark-service" -> {
                    protocol = switch (o) {
                        case "-t", "--tcp-service" -> IpvsProtocol.TCP;
                        case "-u", "--udp-service" -> IpvsProtocol.UDP;
                        case "--sctp-service" -> IpvsProtocol.SCTP;
                        default -> IpvsProtocol.FWM;
                    };
                    service = argument(w, ++i, o);
                }
                case "-s", "--scheduler" -> scheduler = argument(w, ++i, o);
                case "-p", "--persistent" -> {
                    if (i + 1 < w.length && !w[i + 1].startsWith("-")) {
                        persistent = OptionalInt.of(number(w[++i], "a timeout in seconds"));
                    } else {
                        persistent = OptionalInt.of(300);
                    }
                }
                case "-r", "--real-server" -> real = argument(w, ++i, o);
                case "-w", "--weight" -> weight = number(argument(w, ++i, o), "a weight");
                case "-m", "--masquerading", "-g", "--gatewaying", "-i", "--ipip" -> forward = ForwardMethod.ofFlag(o);
                case "-M", "--netmask", "-b", "--sched-flags", "-x", "--u-threshold", "-y", "--l-threshold", "--pe",
                        "--tun-type", "--tun-port" -> argument(w, ++i, o);
                case "--tun-nocsum", "--tun-csum", "--tun-remcsum" -> { }
                default -> throw new Bad("unknown option '" + o + "'", SAVE);
            }
        }
        if (protocol == null) {
            throw new Bad("no virtual service (-t, -u, --sctp-service or -f)", SAVE);
        }
        if (!server) {
            services.add(service(protocol, service, scheduler, persistent, number));
            return;
        }
        if (real == null) {
            throw new Bad("a real server without -r ADDR:PORT", SAVE);
        }
        VirtualService probe = service(protocol, service, scheduler, persistent, number);
        for (int i = services.size() - 1; i >= 0; i--) {
            VirtualService s = services.get(i);
            if (s.protocol() == probe.protocol() && s.address().equals(probe.address()) && s.port() == probe.port()
                    && s.fwmark() == probe.fwmark()) {
                Endpoint e = endpoint(real);
                services.set(i, s.with(new RealServer(e.address, e.port, forward, weight)));
                return;
            }
        }
        throw new Bad("a real server of " + probe.name() + ", which no earlier -A line adds",
                "the virtual service's -A line before its -a lines");
    }

    private VirtualService service(IpvsProtocol protocol, String where, String scheduler, OptionalInt persistent,
                                   int number) throws Bad {
        if (protocol == IpvsProtocol.FWM) {
            long mark;
            try {
                mark = where.startsWith("0x") ? Long.parseLong(where.substring(2), 16) : Long.parseLong(where);
            } catch (NumberFormatException e) {
                throw new Bad("'" + where + "' is no firewall mark", "a firewall mark such as 1 or 0x1");
            }
            return new VirtualService(protocol, java.util.Optional.empty(), 0, mark, scheduler, persistent, List.of(),
                    number);
        }
        Endpoint e = endpoint(where);
        return new VirtualService(protocol, java.util.Optional.of(e.address), e.port, 0, scheduler, persistent, List.of(),
                number);
    }

    private record Endpoint(IpAddress address, int port) {
    }

    /** {@code 10.96.0.1:443} or {@code [fd00::1]:443}. */
    private static Endpoint endpoint(String text) throws Bad {
        String expected = "ADDRESS:PORT such as 10.96.0.1:443 or [fd00::1]:443";
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new Bad("'" + text + "' is no address and port", expected);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw new Bad("'" + text + "' is no address and port", expected);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        try {
            int p = number(port, "a port");
            if (p > 65535) {
                throw new Bad("port " + p + " is above 65535", expected);
            }
            return new Endpoint(IpAddress.parse(host), p);
        } catch (InvalidValueException e) {
            throw new Bad("'" + host + "' is no IP address: " + e.getMessage(), expected);
        }
    }

    private static String argument(String[] w, int i, String option) throws Bad {
        if (i >= w.length) {
            throw new Bad("option " + option + " without its value", SAVE);
        }
        return w[i];
    }

    private static int number(String text, String what) throws Bad {
        if (!text.matches("\\d{1,9}")) {
            throw new Bad("'" + text + "' is not " + what, what);
        }
        return Integer.parseInt(text);
    }

    /** A line that cannot be read, with what was expected. */
    private static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;
        private final String expected;

        Bad(String message, String expected) {
            super(message, null, false, false);
            this.expected = expected;
        }
    }
}
