package io.pktpath.core.trace;

/**
 * One decision on a packet's path through the node, in the order the kernel made it. Only {@link RuleStep} and
 * {@link PolicyStep} are what the kernel's TRACE prints; the others explain conntrack, NAT, routing and checks.
 */
public sealed interface TraceStep
        permits HookStep, RuleStep, PolicyStep, ChainReturnStep, ConntrackStep, NatStep, RouteStep, NeighborStep,
        CheckStep, UndecidedStep, ArpStep {

    /** The hook the step happened at, or null for steps between hooks (routing). */
    Hook hook();

    /** True for the steps the kernel's TRACE prints: rules that matched and base-chain policies. */
    default boolean isKernelTraceStep() {
        return false;
    }
}
