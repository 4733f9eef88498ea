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
        assertTrue(p.getDependencies().stream().anyMatch(d -> d.getId().equals("com.redhat.devtools.lsp4ij")));
    }

    @Test
    void aBrokenDescriptorIsRefused() throws Exception {
        String xml = "<idea-plugin><name>Warmup</name></idea-plugin>";
        PluginCreationResult<IdePlugin> r = IdePluginManager.createManager().createPlugin(assemble(xml));
        assertTrue(r instanceof PluginCreationFail, () -> String.valueOf(r));
        assertTrue(!((PluginCreationFail<IdePlugin>) r).getErrorsAndWarnings().isEmpty());
    }
}
