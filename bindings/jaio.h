/*
 * The C declarations jaio calls. jextract reads this header together with filters.txt
 * (which names exactly the functions, structs and constants we use) and writes the Java
 * bindings under java/. Never edit the generated sources: change this header or the
 * filter list and run ./regenerate.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/io_uring.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
