package dev.warmup.intellij.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jetbrains.plugin.structure.base.plugin.PluginCreationFail;
import com.jetbrains.plugin.structure.base.plugin.PluginCreationResult;
import com.jetbrains.plugin.structure.base.plugin.PluginCreationSuccess;
import com.jetbrains.plugin.structure.intellij.plugin.IdePlugin;
import com.jetbrains.plugin.structure.intellij.plugin.IdePluginManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plugin.xml and the plugin's layout, validated by JetBrains' own plugin-structure library. */
class PluginStructureTest {
    @TempDir Path dir;

    private Path assemble(String pluginXml) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("warmup").resolve("lib"));
        try (OutputStream out = Files.newOutputStream(lib.resolve("warmup-intellij.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry("META-INF/plugin.xml"));
            jar.write(pluginXml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Files.createDirectories(lib.resolve("server"));
        return dir.resolve("warmup");
    }

    @Test
    void ourDescriptorIsAValidPlugin() throws Exception {
        String xml = Files.readString(Path.of("src/main/resources/META-INF/plugin.xml"));
        PluginCreationResult<IdePlugin> r = IdePluginManager.createManager().createPlugin(assemble(xml));
        assertTrue(r instanceof PluginCreationSuccess, () -> String.valueOf(r));
        IdePlugin p = ((PluginCreationSuccess<IdePlugin>) r).getPlugin();
        assertEquals("dev.warmup.intellij", p.getPluginId());
        assertTrue(p.getDependsList().stream().anyMatch(d -> d.getPluginId().equals("com.redhat.devtools.lsp4ij")
                && !d.isOptional()), () -> String.valueOf(p.getDependsList()));
    }

    /**
     * The Tools → Warmup actions are platform code this build does not compile (src/gradle): that each names a class
     * the source has, and each runs a command the server has, is checked here from the two files' text.
     */
    @Test
    void everyActionIsAClassOfWarmupActionsRunningACommandOfTheServer() throws Exception {
        String xml = Files.readString(Path.of("src/main/resources/META-INF/plugin.xml"));
        String source = Files.readString(Path.of("src/gradle/java/dev/warmup/intellij/plugin/WarmupActions.java"));
        java.util.regex.Matcher action = java.util.regex.Pattern.compile("WarmupActions\\$(\\w+)").matcher(xml);
        int actions = 0;
        while (action.find()) {
            actions++;
            assertTrue(source.contains("public static final class " + action.group(1) + " extends"), action.group(1));
        }
        assertEquals(9, actions, "the actions of plugin.xml");
        java.util.regex.Matcher command = java.util.regex.Pattern.compile("super\\(\"([^\"]+)\"").matcher(source);
        java.util.List<String> commands = new java.util.ArrayList<>();
        while (command.find()) {
            commands.add(command.group(1));
        }
        assertTrue(commands.contains("warmup.forgetHistory"), commands.toString());
        for (String c : commands) {
            assertTrue(dev.warmup.protocol.Commands.ALL.contains(c), c + " is not a command of the server");
        }
    }

    @Test
    void aBrokenDescriptorIsRefused() throws Exception {
        String xml = "<idea-plugin><name>Warmup</name></idea-plugin>";
        PluginCreationResult<IdePlugin> r = IdePluginManager.createManager().createPlugin(assemble(xml));
        assertTrue(r instanceof PluginCreationFail, () -> String.valueOf(r));
        assertTrue(!((PluginCreationFail<IdePlugin>) r).getErrorsAndWarnings().isEmpty());
    }
}
