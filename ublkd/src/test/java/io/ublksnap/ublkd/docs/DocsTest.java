package io.ublksnap.ublkd.docs;

import io.ublksnap.ublkd.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The installed documentation is made from the command line's model: a man page per command, and bash completion that works. */
class DocsTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandHasAManPageAndCompletionCompletesThem() throws Exception {
        GenerateDocs.main(new String[]{dir.toString()});
        for (String sub : Main.fullCommandLine().getSubcommands().keySet()) {
            Path page = dir.resolve("man-adoc/ublkd-" + sub + ".adoc");
            assertTrue(Files.exists(page), "no man page for " + sub);
            assertTrue(Files.readString(page).contains("== Name"), "not a man page: " + page);
        }
        Path script = dir.resolve("completion/ublkd");
        assertEquals("stats status stop", complete(script, "ublkd st"));
        assertTrue(complete(script, "ublkd snapshot --").contains("--init"), "snapshot's options");
    }

    /**
     * Picocli formats every line of help as a format string: a lone '%' ("80 % full") makes it print
     * a warning and show the line raw. Each line must format.
     */
    @Test
    void everyLineOfHelpIsAFormatStringThatFormats() {
        List<String> bad = new ArrayList<>();
        check(Main.fullCommandLine(), bad);
        assertEquals(List.of(), bad);
    }

    private static void check(CommandLine cl, List<String> bad) {
        CommandSpec spec = cl.getCommandSpec();
        List<String> lines = new ArrayList<>();
        lines.addAll(List.of(spec.usageMessage().description()));
        lines.addAll(List.of(spec.usageMessage().header()));
        lines.addAll(List.of(spec.usageMessage().footer()));
        for (OptionSpec o : spec.options()) {
            lines.addAll(List.of(o.description()));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            lines.addAll(List.of(p.description()));
        }
        for (String l : lines) {
            try {
                String.format(l);
            } catch (IllegalFormatException e) {
                bad.add(spec.qualifiedName() + ": " + l + " (" + e.getMessage() + ")");
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            check(sub, bad);
        }
    }

    /** What bash completes for the last word of {@code line}, as the completion script answers it. */
    private static String complete(Path script, String line) throws IOException, InterruptedException {
        String words = line.replace(" ", "\" \"");
        String cmd = "source '" + script + "'; compopt() { :; }; COMP_WORDS=(\"" + words + "\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));"
                + " COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_ublkd ublkd; printf '%s\\n' \"${COMPREPLY[@]}\" | sort | xargs";
        Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
