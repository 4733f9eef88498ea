package dev.warmup.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The server's data directory: created readable by the user only; files in it are made user-only too, and the
 * server's own found in it at start-up are made so. A folder of other things given as the data directory keeps its
 * permissions.
 */
public final class DataDirectory {
    /** The files whose presence makes an existing folder the server's: its store and salt. */
    private static final List<String> MARKING = List.of("usage.db", "uri-salt");
    /** The files the server keeps here; what is set aside or written beside them starts with these names. */
    private static final List<String> OWN_FILES = Stream.concat(MARKING.stream(), Stream.of("predictor.json")).toList();
    private final Path root;
    private final boolean temporary;

    public DataDirectory(Path root) {
        this(root, false);
    }

    private DataDirectory(Path root, boolean temporary) {
        this.root = root.toAbsolutePath();
        this.temporary = temporary;
        boolean ours;
        try {
            ours = !Files.isDirectory(this.root) || isOurs(this.root);
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + this.root, e);
        }
        if (ours) { // a folder of the user's given by mistake (their home, say) keeps its permissions
            restrict(this.root, true);
        }
        restrictEntries();
    }

    /** An existing folder is the server's when it is empty or holds its store or salt. */
    private static boolean isOurs(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty() || MARKING.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
        }
    }

    /** Whether a file or folder of the directory is one the server writes (or one of theirs set aside). */
    private static boolean written(Path p) {
        String name = p.getFileName().toString();
        return name.equals(NativeLibraries.JNA) || name.equals(NativeLibraries.SQLITE) || name.equals("exports")
                || OWN_FILES.stream().anyMatch(f -> name.startsWith(f) || name.startsWith("." + f));
    }

    /**
     * Makes what an earlier version, or a copy made by hand, left of the server's own files in the directory
     * user-only as well (the salt, the predictor, files set aside): the directory's own permissions already keep
     * others out, this keeps them out of each file if it is copied elsewhere with its permissions. Nothing else in
     * the directory is touched, and an entry that cannot be changed (another user's) is left as it is.
     */
    private void restrictEntries() {
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(p -> !Files.isSymbolicLink(p) && written(p)).forEach(p -> {
                try {
                    restrict(p, Files.isDirectory(p));
                } catch (UncheckedIOException notOurs) {
                    // the directory's rwx------ still keeps others out
                }
            });
        } catch (IOException e) {
            // as above
        }
    }

    /**
     * A fresh directory under the system's temporary one, user-only from the start, for a session whose own data
     * directory cannot be used: {@link #removeIfTemporary} deletes it at exit.
     */
    public static DataDirectory temporary() {
        try {
            Path dir = posix() ? Files.createTempDirectory("warmup-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------"))) : Files.createTempDirectory("warmup-");
            return new DataDirectory(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    /** Deletes a {@link #temporary} directory with everything in it; leaves any other alone. */
    public void removeIfTemporary() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // what is left stays in the system's temporary directory, user-only
        }
    }

    public Path root() {
        return root;
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    /** Total size of the files in the directory, in bytes. */
    public long sizeBytes() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Makes a file (rw-------) or directory (rwx------) accessible to its owner only, where POSIX allows. */
    public static void restrict(Path p, boolean directory) {
        if (!posix() || !Files.exists(p)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict permissions of " + p, e);
        }
    }

    /**
     * Creates {@code file}, which must not exist yet (else {@link java.nio.file.FileAlreadyExistsException}),
     * accessible to its owner only from the start where POSIX allows: not made with the umask's permissions and
     * restricted after, which leaves a moment when others may open it.
     */
    public static void createUserOnly(Path file) throws IOException {
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    /**
     * A new empty file beside {@code file}, named after it and unique (several servers write into one data
     * directory), user-only from its creation: write it, then move it into place.
     */
    public static Path tempBeside(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String prefix = "." + file.getFileName() + "-";
        return posix()
                ? Files.createTempFile(dir, prefix, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, prefix, ".tmp");
    }

    /**
     * The files here besides the store that hold the history or were learnt from it, which forgetting it deletes: the
     * trained model ({@code predictor.json}), damaged stores and model files set aside ({@link #asideName}) and traces
     * exported here by default ({@code exports/}).
     */
    public List<Path> historyFiles() throws IOException {
        List<Path> out = new java.util.ArrayList<>();
        Path predictor = root.resolve("predictor.json");
        if (Files.exists(predictor)) {
            out.add(predictor);
        }
        out.addAll(setAside());
        Path exports = root.resolve("exports");
        if (Files.isDirectory(exports)) {
            try (Stream<Path> files = Files.list(exports)) {
                files.filter(Files::isRegularFile).forEach(out::add);
            }
        }
        return out;
    }

    /** The damaged stores and model files set aside here ({@link #asideName}), which hold history. */
    public List<Path> setAside() throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(f -> f.getFileName().toString().matches("(usage\\.db|predictor\\.json).*\\.corrupt-.*"))
                    .toList();
        }
    }

    /** Where a damaged data file is kept for inspection when it is replaced: beside it, {@code NAME.corrupt-TIME}. */
    public static Path asideName(Path file) {
        return file.resolveSibling(file.getFileName() + ".corrupt-" + Instant.now().toString().replace(':', '-'));
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** {@link #defaultPath(Map, String, String)} for this process's environment, OS and user. */
    public static Optional<Path> defaultPath() {
        return defaultPath(System.getenv(), System.getProperty("os.name"), System.getProperty("user.home"));
    }

    /**
     * The per-OS default: $XDG_DATA_HOME/warmup, ~/Library/Application Support/warmup or %LOCALAPPDATA%\warmup; empty
     * when there is no absolute place for it. A relative one would put the history in the editor's working folder,
     * the project: Java's {@code user.home} is {@code ?} for a user the system has no entry for (a container run
     * with an arbitrary uid), where $HOME is taken if absolute; a relative $XDG_DATA_HOME or %LOCALAPPDATA% is
     * ignored (as the XDG spec says).
     */
    public static Optional<Path> defaultPath(Map<String, String> env, String osName, String userHome) {
        String os = osName.toLowerCase(Locale.ROOT);
        Optional<Path> home = absolute(userHome).or(() -> absolute(env.get("HOME")));
        if (os.contains("win")) {
            return absolute(env.get("LOCALAPPDATA")).or(() -> home.map(h -> h.resolve("AppData").resolve("Local")))
                    .map(p -> p.resolve("warmup"));
        }
        if (os.contains("mac")) {
            return home.map(h -> h.resolve("Library").resolve("Application Support").resolve("warmup"));
        }
        return absolute(env.get("XDG_DATA_HOME")).or(() -> home.map(h -> h.resolve(".local").resolve("share")))
                .map(p -> p.resolve("warmup"));
    }

    private static Optional<Path> absolute(String path) {
        try {
            return path == null || path.isBlank() ? Optional.empty()
                    : Optional.of(Path.of(path)).filter(Path::isAbsolute);
        } catch (java.nio.file.InvalidPathException e) { // "?" on Windows
            return Optional.empty();
        }
    }
}
