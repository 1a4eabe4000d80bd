package io.pktpath.core.capture;

import java.util.List;
import java.util.Objects;

/**
 * What a read of a capture delivered and what went wrong on the way.
 *
 * @param file            file name as shown to the user
 * @param format          detected format
 * @param framesDelivered frames passed to the handler
 * @param bytesDelivered  sum of captured lengths of those frames
 * @param linkTypes       distinct link types of delivered frames, ascending
 * @param interfaces      interfaces declared by the file, in file order
 * @param issues          problems in file order
 */
public record CaptureSummary(String file, CaptureFormat format, long framesDelivered, long bytesDelivered,
                             List<Integer> linkTypes, List<CaptureInterface> interfaces, List<CaptureIssue> issues) {
    public CaptureSummary {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        linkTypes = List.copyOf(linkTypes);
        interfaces = List.copyOf(interfaces);
        issues = List.copyOf(issues);
    }

    /** Whether any issue of severity ERROR was found. */
    public boolean hasErrors() {
        return issues.stream().anyMatch(i -> i.severity() == Severity.ERROR);
    }
}
