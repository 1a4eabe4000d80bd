package io.pktpath.core.bundle;

/** A bundle that cannot be opened (missing, unreadable, corrupt or unsafe archive); the message names the file and the cause. */
public final class BundleOpenException extends Exception {
    private static final long serialVersionUID = 1L;

    public BundleOpenException(String message) {
        super(message, null, false, false);
    }
}
