package io.pktpath.core.trace;

import java.util.Objects;

/**
 * A step's verdict in the words the kernel's TRACE prints: {@code CONTINUE}, {@code ACCEPT}, {@code DROP},
 * {@code RETURN}, {@code JUMP:<chain>}, {@code GOTO:<chain>}, {@code QUEUE}, {@code POLICY:ACCEPT}, {@code POLICY:DROP}.
 */
public record Verdict(Kind kind, String chain) {
    /** The verdict kinds; JUMP and GOTO carry a chain name. */
    public enum Kind { CONTINUE, ACCEPT, DROP, RETURN, JUMP, GOTO, QUEUE, POLICY_ACCEPT, POLICY_DROP }

    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, "");
    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, "");
    public static final Verdict DROP = new Verdict(Kind.DROP, "");
    public static final Verdict RETURN = new Verdict(Kind.RETURN, "");
    public static final Verdict QUEUE = new Verdict(Kind.QUEUE, "");
    public static final Verdict POLICY_ACCEPT = new Verdict(Kind.POLICY_ACCEPT, "");
    public static final Verdict POLICY_DROP = new Verdict(Kind.POLICY_DROP, "");

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        chain = chain == null ? "" : chain;
        if ((kind == Kind.JUMP || kind == Kind.GOTO) == chain.isEmpty()) {
            throw new IllegalArgumentException("JUMP and GOTO, and only they, name a chain: " + kind + " " + chain);
        }
    }

    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, chain);
    }

    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, chain);
    }

    /** Parses the printed form back (used when reading kernel traces and JSON). */
    public static Verdict parse(String text) {
        if (text.startsWith("JUMP:")) {
            return jump(text.substring(5));
        }
        if (text.startsWith("GOTO:")) {
            return goTo(text.substring(5));
        }
        return switch (text) {
            case "CONTINUE" -> CONTINUE;
            case "ACCEPT" -> ACCEPT;
            case "DROP" -> DROP;
            case "RETURN" -> RETURN;
            case "QUEUE" -> QUEUE;
            case "POLICY:ACCEPT" -> POLICY_ACCEPT;
            case "POLICY:DROP" -> POLICY_DROP;
            default -> throw new IllegalArgumentException("not a verdict: " + text);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case JUMP -> "JUMP:" + chain;
            case GOTO -> "GOTO:" + chain;
            case POLICY_ACCEPT -> "POLICY:ACCEPT";
            case POLICY_DROP -> "POLICY:DROP";
            default -> kind.name();
        };
    }
}
