package io.pktpath.core.routing;

import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;

/** Renders the sysctl values a check used, each marked when it is the kernel default because the bundle lacks it. */
final class SysctlText {
    private SysctlText() {
    }

    static String conf(String family, String dev, String leaf) {
        return "net." + family + ".conf." + dev.replace('.', '/') + "." + leaf;
    }

    /** {@code name=value}, plus {@code (not in the bundle; kernel default)} when assumed. */
    static String one(Sysctls s, String name) {
        return describe(s.get(name), name);
    }

    static String describe(Setting<Long> v, String name) {
        return name + "=" + v.value() + (v.assumedDefault() ? " (not in the bundle; kernel default)" : "");
    }

    /** The effective value of a per-interface IPv4 conf value combined from all and the device, with both sources. */
    static String combined(Sysctls s, String leaf, String dev, long value, String op) {
        return leaf + "=" + value + " (" + one(s, conf("ipv4", "all", leaf)) + " " + op + " "
                + one(s, conf("ipv4", dev, leaf)) + ")";
    }

    /** A setting read from one sysctl, e.g. forwarding: {@code forwarding=1 (net.ipv4.conf.eth0.forwarding=1)}. */
    static String single(String what, Setting<Long> v) {
        return what + "=" + v.value() + " (" + describe(v, v.sources()) + ")";
    }
}
