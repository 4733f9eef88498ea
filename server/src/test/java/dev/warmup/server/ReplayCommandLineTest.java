package dev.warmup.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmup.server.replay.PolicyRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The replay command's bad input: one clear line (and the usage for a bad option), never a stack trace. */
class ReplayCommandLineTest {
    @TempDir Path dir;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        Subcommands.register(cli);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void theHelpNamesEveryPolicyFamily() {
        CommandLine cli = new CommandLine(new Main());
        Subcommands.register(cli);
        String help = cli.getSubcommands().get("replay").getUsageMessage().replaceAll("\\s+", " ");
        for (String family : PolicyRegistry.standard().familyNames()) {
            assertTrue(help.contains(" " + family + ",") || help.contains(" " + family + " ")
                    || help.contains(" " + family + ";"), family + " missing from: " + help);
        }
    }

    @Test
    void badOptionsAndUnreadableTracesAreOneClearLine() throws Exception {
        Path good = dir.resolve("t.jsonl");
        Files.writeString(good, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n");
        Run policy = run("replay", "--trace", good.toString(), "--policy", "nope");
        assertEquals(2, policy.code());
        assertTrue(policy.err().startsWith("--policy: unknown policy 'nope'"), policy.err());
        Run format = run("replay", "--trace", good.toString(), "--format", "xml");
        assertEquals(2, format.code());
        assertTrue(format.err().startsWith("--format must be blaze or jsonl: xml"), format.err());
        Run missing = run("replay", "--trace", dir.resolve("none.jsonl").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("--trace: no readable file at "), missing.err());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"user\": \"a\", \"at\": 1000, \"kind\": \"change\"}\n{\"user\": \"a\"}\n");
        Run broken = run("replay", "--trace", bad.toString(), "--policy", "keepalive-5");
        assertEquals(1, broken.code());
        assertEquals("replay: " + bad + ":2: 'at' (epoch milliseconds) is required", broken.err().strip());
        for (Run r : new Run[] {policy, format, missing, broken}) {
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
