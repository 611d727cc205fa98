package dev.fanfare.client.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Finds the local process listening on a TCP port, the way {@code ss -ltnp} does: the listening
 * socket's inode from {@code /proc/net/tcp} and {@code tcp6}, then the process holding that socket
 * among {@code /proc/<pid>/fd}. Linux only; empty wherever it cannot tell.
 */
public final class ListeningProcess {

    private static final String LISTEN_STATE = "0A";

    private ListeningProcess() {
    }

    /** The pid listening on {@code port}, if there is exactly such a process and it is readable. */
    public static OptionalLong find(int port) {
        OptionalLong inode = OptionalLong.empty();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                inode = listeningInode(Files.readAllLines(Path.of(table)), port);
            } catch (IOException e) {
                continue;
            }
            if (inode.isPresent()) {
                break;
            }
        }
        return inode.isPresent() ? ownerOf("socket:[" + inode.getAsLong() + "]") : OptionalLong.empty();
    }

    /** The inode of the socket listening on {@code port} in a {@code /proc/net/tcp}-style table. */
    static OptionalLong listeningInode(List<String> table, int port) {
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        for (String line : table) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            if (f.length > 9 && f[1].endsWith(portHex) && LISTEN_STATE.equals(f[3]) && f[9].matches("\\d+")) {
                long inode = Long.parseLong(f[9]);
                if (inode != 0) {
                    return OptionalLong.of(inode);
                }
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong ownerOf(String socketLink) {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                if (holds(proc.resolve("fd"), socketLink)) {
                    return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static boolean holds(Path fdDir, String socketLink) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (socketLink.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            return false; // another user's process, or gone
        }
        return false;
    }
}
