package io.pktpath.core.findings;

/** How much a finding matters: ERROR (traffic fails), WARNING (traffic at risk), INFO (worth knowing). */
public enum FindingSeverity {
    ERROR, WARNING, INFO
}
