package io.pktpath.core.verify;

import java.util.Objects;

/** One line of a side-by-side step listing: what the kernel's TRACE printed and what pktpath replayed ("" when absent). */
public record StepRow(String kernel, String pktpath) {
    public StepRow {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(pktpath, "pktpath");
    }

    public boolean equal() {
        return kernel.equals(pktpath);
    }
}
