package io.regshift.cli;

import io.regshift.kube.schema.SchemaRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code regshift version}: the tool's version and where its Kubernetes schemas came from. */
@Command(name = "version", description = "Print the version and the sources of the built-in schemas.")
final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("regshift " + version());
    out.println("java " + System.getProperty("java.version"));
    out.println("schemas harvested from:");
    for (String line : SchemaRegistry.builtin().sources()) {
      String[] f = line.split("\t");
      out.printf("  %-32s Kubernetes 1.%s, %s proto files%n", f[0], f.length > 1 ? f[1] : "?", f.length > 2 ? f[2] : "?");
    }
    return Main.OK;
  }

  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"regshift " + version()};
    }
  }
}
