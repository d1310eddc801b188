package io.jaio;

/**
 * One entry of a directory as {@link Aio#readdirx} reads it: its name (bytes decoded as every
 * jaio name is, see {@link Aio#readdir}), the type the file system reported in
 * {@code d_type}, and its inode number. No stat is made unless asked for with
 * {@link Aio#READDIR_STAT}: {@link Type#UNKNOWN} means the file system does not say, and only a
 * stat can tell.
 *
 * @param name  the entry's name, never "." or ".."
 * @param type  the type from {@code d_type}
 * @param inode {@code d_ino}
 * @param stat  the entry's lstat with {@link Aio#READDIR_STAT}, else null
 */
public record DirEntry(String name, Type type, long inode, FileStat stat) {
    /** The {@code DT_*} types, as IO::AIO names them. */
    public enum Type {
        /** DT_UNKNOWN: the file system does not fill in d_type; stat to know. */
        UNKNOWN,
        /** DT_FIFO */
        FIFO,
        /** DT_CHR */
        CHR,
        /** DT_DIR */
        DIR,
        /** DT_BLK */
        BLK,
        /** DT_REG */
        REG,
        /** DT_LNK */
        LNK,
        /** DT_SOCK */
        SOCK,
        /** DT_WHT (a whiteout, on union file systems) */
        WHT;

        private static final Type[] BY_DT = new Type[16];

        static {
            BY_DT[0] = UNKNOWN;
            BY_DT[1] = FIFO;
            BY_DT[2] = CHR;
            BY_DT[4] = DIR;
            BY_DT[6] = BLK;
            BY_DT[8] = REG;
            BY_DT[10] = LNK;
            BY_DT[12] = SOCK;
            BY_DT[14] = WHT;
        }

        /** The type for a {@code d_type} value; values Linux does not define are UNKNOWN. */
        static Type of(int dt) {
            Type t = dt >= 0 && dt < 16 ? BY_DT[dt] : null;
            return t == null ? UNKNOWN : t;
        }
    }
}
