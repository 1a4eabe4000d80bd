package io.pktpath.core.capture;

import java.util.Objects;

/**
 * One capturing interface: a pcapng Interface Description Block, or the single implicit interface of a pcap file.
 *
 * @param section       0-based pcapng section number (0 for pcap)
 * @param id            interface index within its section
 * @param linkType      LINKTYPE_* value of its frames
 * @param name          {@code if_name}, or "" when the file does not say
 * @param snapLength    maximum captured length (0 = unlimited)
 * @param unitsPerSecond timestamp resolution: ticks per second ({@code if_tsresol}; 1e6 by default)
 */
public record CaptureInterface(int section, int id, int linkType, String name, long snapLength, double unitsPerSecond) {
    public CaptureInterface {
        Objects.requireNonNull(name, "name");
    }
}
