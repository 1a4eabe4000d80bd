package io.pktpath.parser.iptables.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code -j SET [--add-set NAME FLAGS] [--del-set NAME FLAGS] [--map-set NAME FLAGS [--map-mark] [--map-prio]
 * [--map-queue]] [--exist] [--timeout N]}: adds the packet's element to an ipset and/or deletes it from one; never
 * ends the traversal.
 */
public record SetTarget(Optional<SetOperand> addSet, Optional<SetOperand> delSet, Optional<SetOperand> mapSet,
                        List<String> mapOptions, boolean exist, Optional<Long> timeoutSeconds) implements Target {
    public SetTarget {
        Objects.requireNonNull(addSet, "addSet");
        Objects.requireNonNull(delSet, "delSet");
        Objects.requireNonNull(mapSet, "mapSet");
        mapOptions = List.copyOf(mapOptions);
        Objects.requireNonNull(timeoutSeconds, "timeoutSeconds");
    }

    /** A set name and its direction flags ({@code src}/{@code dst}, one per set dimension). */
    public record SetOperand(String name, List<String> directions) {
        public SetOperand {
            Objects.requireNonNull(name, "name");
            directions = List.copyOf(directions);
        }

        String render() {
            return name + " " + String.join(",", directions);
        }
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        List<String> parts = new ArrayList<>(List.of("-j SET"));
        addSet.ifPresent(a -> parts.add("--add-set " + a.render()));
        delSet.ifPresent(d -> parts.add("--del-set " + d.render()));
        mapSet.ifPresent(m -> parts.add("--map-set " + m.render()));
        parts.addAll(mapOptions);
        if (exist) {
            parts.add("--exist");
        }
        timeoutSeconds.ifPresent(t -> parts.add("--timeout " + t));
        return String.join(" ", parts);
    }
}
