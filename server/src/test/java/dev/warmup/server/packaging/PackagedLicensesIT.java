package dev.warmup.server.packaging;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar is what users run and pass on, so it carries every bundled library's licence and notice: where two
 * libraries ship a file of the same name, both texts are kept (slf4j's MIT licence and HdrHistogram's beside Apache's,
 * each Apache NOTICE), not the first one the shading met.
 */
class PackagedLicensesIT {
    @Test
    void everyBundledLibrarysLicenceAndNoticeIsInTheJar() throws IOException {
        Path jar = Path.of(System.getProperty("warmup.jar", "target/warmup-server.jar")).toAbsolutePath();
        assertTrue(Files.exists(jar), "built jar at " + jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            String licenseTxt = text(j, "META-INF/LICENSE.txt");
            for (String author : List.of("QOS.ch", "Gil Tene", "Apache License")) { // slf4j, HdrHistogram, others
                assertTrue(licenseTxt.contains(author), "META-INF/LICENSE.txt names " + author);
            }
            String license = text(j, "META-INF/LICENSE");
            assertTrue(license.contains("Apache License"), "Apache's licence");
            assertTrue(license.contains("Java Native Access (JNA) is licensed under the LGPL"), "JNA's terms");
            String notice = text(j, "META-INF/NOTICE");
            for (String library : List.of("Google Guice", "Objenesis", "Jackson", "Apache Commons Logging",
                    "Jakarta Dependency Injection")) {
                assertTrue(notice.contains(library), "META-INF/NOTICE has " + library + "'s notice");
            }
            assertNull(j.getEntry("META-INF/NOTICE.txt"), "merged into META-INF/NOTICE");
            for (String kept : List.of("about.html", "META-INF/AL2.0", "META-INF/LGPL2.1",
                    "META-INF/maven/org.xerial/sqlite-jdbc/LICENSE")) {
                assertNotNull(j.getEntry(kept), kept);
            }
        }
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        assertNotNull(e, name);
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
