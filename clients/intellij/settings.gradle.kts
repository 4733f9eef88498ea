rootProject.name = "warmup-intellij"
