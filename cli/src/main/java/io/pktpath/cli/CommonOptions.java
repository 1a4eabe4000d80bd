package io.pktpath.cli;

import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The options every command takes: {@code --help}, {@code --debug}, {@code --no-color}. */
public final class CommonOptions {
    public static final String HELP = "help";
    public static final String DEBUG = "debug";
    public static final String NO_COLOR = "no-color";

    private CommonOptions() {
    }

    /** The command's options plus the common ones. */
    static Options addTo(Options options) {
        Options all = new Options();
        options.getOptions().forEach(all::addOption);
        all.addOption(Option.builder("h").longOpt(HELP).desc("show this help with examples").build());
        all.addOption(Option.builder().longOpt(DEBUG).desc("on an internal error, print the stack trace").build());
        all.addOption(Option.builder().longOpt(NO_COLOR)
                .desc("no ANSI colors even on a terminal (colors are never used when output is piped)").build());
        return all;
    }
}
