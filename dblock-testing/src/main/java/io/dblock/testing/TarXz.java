package io.dblock.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** Extracts a {@code .txz} archive, keeping file modes (executables stay executable), symbolic and hard links. */
final class TarXz {

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };

    private TarXz() {}

    static void extract(URL archive, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        try (InputStream raw = archive.openStream();
                TarArchiveInputStream tar =
                        new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = inside(root, root.resolve(entry.getName()), entry);
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Path link = Path.of(entry.getLinkName());
                    inside(root, path.getParent().resolve(link), entry);
                    Files.createSymbolicLink(path, link);
                } else if (entry.isLink()) {
                    Files.createLink(path, inside(root, root.resolve(entry.getLinkName()), entry));
                } else if (entry.isFile()) {
                    Files.copy(tar, path);
                    int mode = entry.getMode() & 0777;
                    Files.setPosixFilePermissions(path, permissions(mode == 0 ? 0644 : mode));
                }
            }
        }
    }

    /** Rejects entries that would escape the destination ("zip slip"), even though the archive comes from a jar. */
    private static Path inside(Path root, Path path, TarArchiveEntry entry) throws IOException {
        Path normalized = path.normalize();
        if (!normalized.startsWith(root)) {
            throw new IOException("Archive entry " + entry.getName() + " points outside " + root);
        }
        return normalized;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int bit = 0; bit < BITS.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(BITS[bit]);
            }
        }
        return permissions;
    }
}
