package io.dblock.mysql;

import java.util.List;

/**
 * The server's metadata-lock types ({@code performance_schema.metadata_locks.LOCK_TYPE}): which request conflicts with
 * which granted lock, and how table-lock types are shown.
 */
final class MetadataLockTypes {

    private MetadataLockTypes() {}

    private static final List<String> TYPES = List.of(
            "SHARED",
            "SHARED_HIGH_PRIO",
            "SHARED_READ",
            "SHARED_WRITE",
            "SHARED_WRITE_LOW_PRIO",
            "SHARED_UPGRADABLE",
            "SHARED_READ_ONLY",
            "SHARED_NO_WRITE",
            "SHARED_NO_READ_WRITE",
            "EXCLUSIVE");

    /**
     * The server's metadata-lock compatibility of a request with a granted lock (mdl.cc, granted-incompatibility
     * matrix); rows are requests, columns granted types, in {@link #TYPES} order, {@code '-'} = conflict.
     */
    private static final String[] MATRIX = {
        "+++++++++-", // S
        "+++++++++-", // SH
        "++++++++--", // SR
        "++++++----", // SW
        "++++++----", // SWLP
        "+++++-+---", // SU
        "+++--+++--", // SRO
        "+++---+---", // SNW
        "++--------", // SNRW
        "----------", // X
    };

    static boolean conflicts(String requested, String granted) {
        int r = TYPES.indexOf(requested);
        int g = TYPES.indexOf(granted);
        if (r < 0 || g < 0) {
            return true; // a type this table does not know: assume it blocks
        }
        return MATRIX[r].charAt(g) == '-';
    }

    /** The mode a table lock of this type is shown with: {@code LOCK TABLES}' READ and WRITE, else the type. */
    static String tableMode(String lockType) {
        return switch (lockType) {
            case "SHARED_READ_ONLY" -> "READ";
            case "SHARED_NO_READ_WRITE" -> "WRITE";
            default -> lockType;
        };
    }
}
