package io.ublksnap.ublkd;

import io.ublksnap.ublkd.cli.CowCommand;
import io.ublksnap.ublkd.cli.FeaturesCommand;
import io.ublksnap.ublkd.cli.ListCommand;
import io.ublksnap.ublkd.cli.LoadCommand;
import io.ublksnap.ublkd.cli.MergeCommand;
import io.ublksnap.ublkd.cli.NameCommand;
import io.ublksnap.ublkd.cli.OriginCommand;
import io.ublksnap.ublkd.cli.ReloadCommand;
import io.ublksnap.ublkd.cli.RemoveCommand;
import io.ublksnap.ublkd.cli.ServeCommand;
import io.ublksnap.ublkd.cli.SnapshotCommand;
import io.ublksnap.ublkd.cli.StatusCommand;
import io.ublksnap.ublkd.cli.StopCommand;
import io.ublksnap.ublkd.cli.WaitCommand;
import io.ublksnap.ublkd.control.ControlServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code ublkd}: the daemon and its command line. Exit codes: 0 ok, 1 refused or failed, 2 bad usage. */
@Command(name = "ublkd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Linux device-mapper snapshots in userspace: origins and snapshots as /dev/ublkbN devices.",
        subcommands = {ServeCommand.class, OriginCommand.class, SnapshotCommand.class, LoadCommand.class,
                ReloadCommand.class, MergeCommand.class, RemoveCommand.class, StatusCommand.class, ListCommand.class,
                StopCommand.class, WaitCommand.class, FeaturesCommand.class, CowCommand.class, NameCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  ublkd serve --config /etc/ublksnap/devices.conf &",
                "  ublkd origin base /var/lib/ublksnap/base.img",
                "  ublkd snapshot snap1 --origin base --cow /var/lib/ublksnap/snap1.cow --store P --chunk 8k",
                "  ublkd status",
                "  ublkd merge snap1 --wait"})
public final class Main implements Runnable {

    @Option(names = "--socket", description = "Control socket of the daemon (default: ${DEFAULT-VALUE}).")
    public Path socket = ControlServer.DEFAULT_SOCKET;

    @Option(names = {"-v", "--verbose"}, description = "Show the stack trace of errors.")
    public boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed: see 'ublkd --help'");
    }

    /** Runs the command line and returns the exit code (no System.exit). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, printing to {@code out} and {@code err} (null: the standard streams). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("ublkd: " + oneLine(ex));
            if (main.verbose) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args2) -> {
            CommandLine c = ex.getCommandLine();
            String m = ex.getMessage();
            c.getErr().println("ublkd: " + m + (m.contains("--help") ? "" : " (see '" + c.getCommandSpec().qualifiedName() + " --help')"));
            return 2;
        });
        return cl.execute(args);
    }

    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"ublkd " + (v == null ? "0.1.0" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
