package io.pktpath.parser.bundle;

import java.util.Objects;

/** A Linux kernel release as {@code uname -r} prints it ({@code 6.1.0-27-amd64}), with its numeric major.minor.patch. */
public record KernelVersion(int major, int minor, int patch, String release) implements Comparable<KernelVersion> {
    public KernelVersion {
        Objects.requireNonNull(release, "release");
    }

    /** True when this kernel is at least {@code major.minor}. */
    public boolean atLeast(int otherMajor, int otherMinor) {
        return major > otherMajor || major == otherMajor && minor >= otherMinor;
    }

    @Override
    public int compareTo(KernelVersion o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }
}
