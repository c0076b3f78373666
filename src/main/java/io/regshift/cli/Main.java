package io.regshift.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code regshift} command: parses flags, hands each subcommand its pipeline. */
@Command(
    name = "regshift",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // --help and --version on every subcommand too
    versionProvider = VersionCommand.Provider.class,
    description = "Reads, decodes, filters, rewrites and writes Kubernetes' /registry keys in etcd.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {
  /** Exit code: everything done. */
  public static final int OK = 0;
  /** Exit code: some objects failed (the others were processed). */
  public static final int SOME_FAILED = 1;
  /** Exit code: bad usage or unreadable input. */
  public static final int USAGE = 2;

  /**
   * The subcommands by name, in the order {@code regshift --help} lists them. Only the invoked one
   * is built into picocli's model: building all of them (reflection over every option, mixin and
   * converter, and the class initialisers those pull in) took most of a quick command's start-up.
   */
  static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("ls", LsCommand.class);
    COMMANDS.put("get", GetCommand.class);
    COMMANDS.put("export", ExportCommand.class);
    COMMANDS.put("stats", StatsCommand.class);
    COMMANDS.put("history", HistoryCommand.class);
    COMMANDS.put("backup", BackupCommand.class);
    COMMANDS.put("restore", RestoreCommand.class);
    COMMANDS.put("rewrite", RewriteCommand.class);
    COMMANDS.put("verify", VerifyCommand.class);
    COMMANDS.put("decode", DecodeCommand.class);
    COMMANDS.put("encode", EncodeCommand.class);
    COMMANDS.put("kinds", KindsCommand.class);
    COMMANDS.put("version", VersionCommand.class);
  }

  static {
    // client-java-proto's classes are pre-22 generated code: without this, protobuf warns per type
    System.setProperty("com.google.protobuf.use_unsafe_pre22_gencode", "true");
    LibraryLogging.silenceSlf4jNotices();
  }

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces on errors.")
  boolean debug;

  /** The environment ETCDCTL_* fallbacks are read from (tests pass their own). */
  final Map<String, String> environment;

  Main(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public void run() {
    commandLine(new Main(environment)).usage(System.out);
  }

  /**
   * The command line for {@code args}: the top command with only the subcommand {@code args}
   * invoke when they name one, else with every subcommand (for the usage list, {@code help},
   * and the unknown-command error with its suggestions).
   */
  static CommandLine commandLine(Main main, String... args) {
    CommandLine cl = new CommandLine(main);
    String invoked = invokedCommand(args);
    if (invoked != null) {
      cl.addSubcommand(invoked, COMMANDS.get(invoked));
    } else {
      COMMANDS.forEach(cl::addSubcommand);
      cl.addSubcommand("help", CommandLine.HelpCommand.class);
    }
    return cl;
  }

  /** The subcommand {@code args} name (the first argument that is not an option), or null. */
  static String invokedCommand(String... args) {
    for (String a : args) {
      if (!a.startsWith("-")) {
        return COMMANDS.containsKey(a) ? a : null;
      }
    }
    return null;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** The writer {@link #main} wraps around System.out; commands that stream bytes bypass it. */
  private static volatile java.io.PrintWriter processStdout;

  /**
   * The process's stdout as a byte stream when {@code out} is it (bulk output encodes text on
   * worker threads and writes bytes), else null (tests capture a writer).
   */
  static java.io.OutputStream byteStdout(java.io.PrintWriter out) {
    if (out != processStdout) {
      return null;
    }
    out.flush();
    return new java.io.FileOutputStream(java.io.FileDescriptor.out);
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
    processStdout = out;
    return run(out, new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given stdout and stderr. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return run(out, err, System.getenv(), args);
  }

  /** Runs the command line with the given stdout, stderr and environment (for ETCDCTL_* variables). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, Map<String, String> environment,
      String... args) {
    LibraryLogging.configure(Arrays.asList(args).contains("--debug"));
    CommandLine cl = commandLine(new Main(environment), args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new Errors());
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("regshift: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return USAGE;
    });
    try {
      return cl.execute(args);
    } catch (InternalError e) {
      // a snapshot file that shrinks under its memory mapping faults away from the read
      String fault = io.regshift.bolt.BoltFile.mappedReadFault(e);
      if (fault == null) {
        throw e;
      }
      if (Arrays.asList(args).contains("--debug")) {
        e.printStackTrace(err);
      }
      err.println("regshift: " + fault);
      return USAGE;
    }
  }

  /** One line on stderr, no stack trace unless --debug; exit 2. */
  static final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      boolean debug = parsed.hasMatchedOption("--debug")
          || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"));
      if (debug) {
        ex.printStackTrace(cl.getErr());
      }
      String msg = ex.getMessage();
      // a mapped file that shrank, seen by a worker thread: say which file and what happened
      for (Throwable t = ex; t != null; t = t.getCause()) {
        if (t instanceof InternalError ie && io.regshift.bolt.BoltFile.mappedReadFault(ie) != null) {
          msg = io.regshift.bolt.BoltFile.mappedReadFault(ie);
          break;
        }
      }
      cl.getErr().println("regshift: " + (msg == null || msg.isBlank() ? ex.toString() : msg));
      return ex instanceof UsageException u ? u.exitCode() : USAGE;
    }
  }
}
