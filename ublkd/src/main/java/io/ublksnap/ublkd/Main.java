package io.ublksnap.ublkd;

import io.ublksnap.ublkd.cli.ActivateCommand;
import io.ublksnap.ublkd.cli.CowCommand;
import io.ublksnap.ublkd.cli.ExtendCommand;
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
import io.ublksnap.ublkd.cli.StatsCommand;
import io.ublksnap.ublkd.cli.StatusCommand;
import io.ublksnap.ublkd.cli.StopCommand;
import io.ublksnap.ublkd.cli.WaitCommand;
import io.ublksnap.ublkd.control.ControlServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code ublkd}: the daemon and its command line. Exit codes: 0 ok, 1 refused or failed, 2 bad usage. */
@Command(name = "ublkd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Linux device-mapper snapshots in userspace: origins and snapshots as /dev/ublkbN devices.",
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

    /**
     * The subcommands, in the order of the help. picocli reads every registered command's annotations when the
     * command line is built, so a run registers only the command it was asked for (all of them for help and for
     * anything unknown): client commands start in a fraction of the time, which shows on slow machines and VMs.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("serve", ServeCommand::new);
        COMMANDS.put("origin", OriginCommand::new);
        COMMANDS.put("snapshot", SnapshotCommand::new);
        COMMANDS.put("extend", ExtendCommand::new);
        COMMANDS.put("load", LoadCommand::new);
        COMMANDS.put("reload", ReloadCommand::new);
        COMMANDS.put("merge", MergeCommand::new);
        COMMANDS.put("remove", RemoveCommand::new);
        COMMANDS.put("activate", ActivateCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("stats", StatsCommand::new);
        COMMANDS.put("list", ListCommand::new);
        COMMANDS.put("stop", StopCommand::new);
        COMMANDS.put("wait", WaitCommand::new);
        COMMANDS.put("features", FeaturesCommand::new);
        COMMANDS.put("cow", CowCommand::new);
        COMMANDS.put("name", NameCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    /** The command a run names: the first argument that is neither an option nor the value of --socket. */
    static String commandOf(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--socket")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /** The whole command line, every subcommand registered: the model man pages and shell completion are made from. */
    public static CommandLine fullCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        return cl;
    }

    /** Runs the command line and returns the exit code (no System.exit). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, printing to {@code out} and {@code err} (null: the standard streams). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        String named = commandOf(args);
        if (named != null && COMMANDS.containsKey(named) && !named.equals("help")) {
            cl.addSubcommand(named, COMMANDS.get(named).get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("ublkd: " + message(ex));
            if (main.verbose) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args2) -> {
            CommandLine c = ex.getCommandLine();
            String m = oneLine(ex);
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                m += " (did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).map(x -> "'" + x + "'").toList()) + "?)";
            }
            c.getErr().println("ublkd: " + m + (m.contains("--help") ? "" : " (see '" + c.getCommandSpec().qualifiedName() + " --help')"));
            return 2;
        });
        return cl.execute(args);
    }

    /** An error as one line for the user: file system errors name the problem, not only the path. */
    static String message(Throwable e) {
        String path = e instanceof java.nio.file.FileSystemException f ? f.getFile() : null;
        return switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file or directory: " + path;
            case java.nio.file.AccessDeniedException x -> "permission denied: " + path;
            case java.nio.file.NotDirectoryException x -> "not a directory: " + path;
            case java.nio.file.FileSystemException x when x.getReason() != null -> path + ": " + x.getReason();
            case OutOfMemoryError x -> "out of memory (give the JVM more with UBLKD_JAVA_OPTS=-Xmx...)";
            default -> oneLine(e);
        };
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
