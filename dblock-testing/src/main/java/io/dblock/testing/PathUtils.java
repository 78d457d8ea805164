package io.dblock.testing;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;

/** File-tree helpers for the embedded server's directories. */
final class PathUtils {

    static final Set<PosixFilePermission> RWXR_XR_X = TarXz.permissions(0755);
    static final Set<PosixFilePermission> RWX_ONLY_OWNER = TarXz.permissions(0700);

    /** The file that {@link #installOnce(Path, Extraction)} adds last, marking a complete tree. */
    private static final String INSTALLED_MARKER = ".dblock-extracted";

    private PathUtils() {}

    /** Deletes a tree without following symbolic links; a missing tree is not an error. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Gives every directory mode 755, so that an unprivileged server user can reach the binaries; file modes come from
     * the archive and already allow reading.
     */
    static void makeDirectoriesTraversable(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, RWXR_XR_X);
                }
            }
        }
    }

    /**
     * Creates {@code ${java.io.tmpdir}/name}, shared by every JVM on the machine, unless another user created it
     * without letting us write there: then {@code name-<user.name>}.
     */
    static Path createSharedTempDirectory(String name) throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), name);
        if (Files.isDirectory(base) && !Files.isWritable(base)) {
            base = base.resolveSibling(base.getFileName() + "-" + System.getProperty("user.name"));
        }
        return createSharedDirectory(base);
    }

    /**
     * Publishes a tree at {@code target} once per machine: unless a complete copy is already there, {@code extract}
     * writes it privately, then one atomic rename puts it in place. A concurrent JVM either wins or loses the rename,
     * and nobody ever sees a half-extracted tree. Directories get mode 755 (see {@link
     * #makeDirectoriesTraversable(Path)}).
     *
     * @return {@code target}
     */
    static Path installOnce(Path target, Extraction extract) throws IOException {
        if (Files.exists(target.resolve(INSTALLED_MARKER))) {
            return target;
        }
        if (Files.exists(target)) {
            // Only complete copies are ever renamed into place, so this one was damaged by hand; replace it.
            deleteRecursively(target);
        }
        Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
        try {
            extract.into(staging);
            makeDirectoriesTraversable(staging);
            Files.createFile(staging.resolve(INSTALLED_MARKER));
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            // rename(2) reports ENOTEMPTY/EEXIST, which Java does not always map to a specific exception.
            if (!Files.exists(target.resolve(INSTALLED_MARKER))) {
                throw e;
            }
        } finally {
            deleteRecursively(staging);
        }
        return target;
    }

    /** Writes the tree that {@link #installOnce(Path, Extraction)} publishes. */
    interface Extraction {
        void into(Path directory) throws IOException;
    }

    /** Creates a directory (and parents) and, if this JVM owns it, gives it mode 755. */
    static Path createSharedDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, RWXR_XR_X);
        } catch (IOException notOurs) {
            // Created by another user earlier; its mode is theirs to choose.
        }
        return dir;
    }
}
