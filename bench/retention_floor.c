/* bench/retention_floor.c: the floor of a Maildir retention scan, built and run by bench/retention and bench/native.
 * What any scanner must do per message, and nothing else: open it (O_NOFOLLOW, O_NONBLOCK: as the worker, never a
 * link or a FIFO), fstat it (its mtime and size), read at most 64 KiB (the header), close it; over cur/ and new/, one
 * thread. Prints the messages it read and the bytes. Usage: retention_floor MAILDIR */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    static char buffer[64 * 1024];
    long messages = 0, bytes = 0;
    const char *subfolders[] = {"cur", "new"};
    if (argc != 2) { fprintf(stderr, "usage: %s MAILDIR\n", argv[0]); return 2; }
    int root = open(argv[1], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (root < 0) { perror(argv[1]); return 1; }
    for (int s = 0; s < 2; s++) {
        int fd = openat(root, subfolders[s], O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd < 0) { perror(subfolders[s]); return 1; }
        DIR *dir = fdopendir(fd);
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            if (entry->d_name[0] == '.') continue;
            int file = openat(fd, entry->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
            if (file < 0) continue;
            struct stat st;
            if (fstat(file, &st) == 0 && S_ISREG(st.st_mode)) {
                ssize_t n = read(file, buffer, sizeof buffer);
                if (n > 0) { bytes += n; messages++; }
            }
            close(file);
        }
        closedir(dir);
    }
    printf("%ld messages, %ld header bytes read\n", messages, bytes);
    return 0;
}
