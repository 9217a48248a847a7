package io.ublksnap.ublkd.docs;

import io.ublksnap.ublkd.Main;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the documentation that is installed with ublkd from the command line's own model (picocli), so that it
 * never disagrees with {@code --help}: an AsciiDoc man page per command (scripts/build turns them into troff with
 * asciidoctor) and the bash completion script. Run at {@code package} time: {@code GenerateDocs TARGET_DIR}
 * writes TARGET_DIR/man-adoc/*.adoc and TARGET_DIR/completion/ublkd.
 */
public final class GenerateDocs {
    private GenerateDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        CommandLine cl = Main.fullCommandLine();
        Path adoc = target.resolve("man-adoc");
        Files.createDirectories(adoc);
        // One page for ublkd and one per subcommand (the generator walks the subcommands itself).
        int rc = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, cl.getCommandSpec());
        if (rc != 0) {
            throw new IOException("man page generation failed (" + rc + ")");
        }
        Path completion = target.resolve("completion");
        Files.createDirectories(completion);
        Files.writeString(completion.resolve("ublkd"), AutoComplete.bash("ublkd", cl));
        System.out.println("GenerateDocs: man pages in " + adoc + ", bash completion in " + completion);
    }
}
