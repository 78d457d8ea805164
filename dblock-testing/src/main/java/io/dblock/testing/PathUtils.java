package io.dblock.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;

/** File-tree helpers for the embedded server's directories. */
final class PathUtils {

    static final Set<PosixFilePermission> RWXR_XR_X = TarXz.permissions(0755);
    static final Set<PosixFilePermission> RWX_ONLY_OWNER = TarXz.permissions(0700);

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
