// Builds the installable plugin where JetBrains' repositories are reachable (not on this project's CI machine):
//   gradle buildPlugin   ->  build/distributions/warmup-intellij-0.1.0.zip
// The platform-free logic (src/main/java) is also built and tested by Maven; src/gradle/java needs the platform.
plugins {
    id("java")
    id("org.jetbrains.intellij.platform") version "2.5.0"
}

group = "dev.warmup"
version = providers.gradleProperty("pluginVersion").get()

repositories {
    mavenCentral()
    intellijPlatform { defaultRepositories() }
}

java { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }

sourceSets { main { java { srcDirs("src/main/java", "src/gradle/java") } } }

dependencies {
    intellijPlatform {
        intellijIdeaCommunity(providers.gradleProperty("platformVersion"))
        plugin("com.redhat.devtools.lsp4ij", providers.gradleProperty("lsp4ijVersion").get())
    }
    // Gson and LSP4J come from the platform and LSP4IJ: compile against them, never bundle them
    compileOnly("com.google.code.gson:gson:2.13.1")
}

val serverJar = file("../../server/target/warmup-server.jar")

tasks {
    prepareSandbox {
        from(serverJar) { into("${project.name}/lib/server") }
    }
    buildPlugin {
        doFirst { check(serverJar.exists()) { "build the server first: ./mvnw -q package -DskipTests" } }
    }
}
