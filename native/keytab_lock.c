/*
 * keytab_lock: the two file locks Node has no API for, as a Node-API addon.
 *
 * - An OFD record lock on the whole file (fcntl F_OFD_SETLK), the lock MIT libkrb5 takes on a
 *   keytab (krb5_lock_file: OFD locks where the kernel has them, Linux 3.15 and later): shared
 *   while reading, exclusive while writing. Holding it keeps MIT writers (ktutil, kadmin ktadd)
 *   out of a keytab; MIT readers are kept out only by an exclusive one.
 * - flock(2) on the same file: a second, independent lock that our own writers take
 *   exclusively to exclude each other without shutting MIT readers out. On Linux, flock and
 *   fcntl locks do not interact (local filesystems).
 *
 * Both are tied to the open file description, not the process (unlike classic POSIX fcntl
 * locks, which any close() of the file in the process would drop: Node opens and closes files
 * on its own). Calls never block: the caller polls with its own timeout, so the event loop
 * keeps running.
 *
 * Exports (fd: a file descriptor from node:fs):
 *   ofdLock(fd, type): boolean   type 0 = shared, 1 = exclusive, 2 = unlock; false when another
 *                                open file holds a conflicting lock
 *   flock(fd, type): boolean     the same types, with flock(LOCK_SH | LOCK_EX | LOCK_UN)
 * Other errors throw an Error whose code is the errno name (EBADF, EINVAL, ...).
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static napi_value kl_throw_errno(napi_env env, int err) {
  const char *code = err == EBADF ? "EBADF" : err == EINVAL ? "EINVAL" : err == ENOLCK ? "ENOLCK" : "EIO";
  napi_throw_error(env, code, strerror(err));
  return NULL;
}

static int kl_args(napi_env env, napi_callback_info info, int *fd, int *type) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_int32(env, argv[0], fd) != napi_ok || napi_get_value_int32(env, argv[1], type) != napi_ok ||
      *fd < 0 || *type < 0 || *type > 2) {
    napi_throw_type_error(env, "ERR_INVALID_ARG", "(fd, type) with type 0 shared, 1 exclusive, 2 unlock");
    return 0;
  }
  return 1;
}

static napi_value kl_bool(napi_env env, int value) {
  napi_value result;
  napi_get_boolean(env, value, &result);
  return result;
}

static napi_value kl_ofd_lock(napi_env env, napi_callback_info info) {
  int fd, type;
  if (!kl_args(env, info, &fd, &type)) return NULL;
#ifdef F_OFD_SETLK
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = type == 0 ? F_RDLCK : type == 1 ? F_WRLCK : F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0; /* to the end of the file and beyond, as MIT locks */
  for (;;) {
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0) return kl_bool(env, 1);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EACCES) return kl_bool(env, 0);
    return kl_throw_errno(env, errno);
  }
#else
  (void)fd;
  (void)type;
  return kl_throw_errno(env, EINVAL);
#endif
}

static napi_value kl_flock(napi_env env, napi_callback_info info) {
  int fd, type;
  if (!kl_args(env, info, &fd, &type)) return NULL;
  int op = type == 0 ? LOCK_SH | LOCK_NB : type == 1 ? LOCK_EX | LOCK_NB : LOCK_UN;
  for (;;) {
    if (flock(fd, op) == 0) return kl_bool(env, 1);
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return kl_bool(env, 0);
    return kl_throw_errno(env, errno);
  }
}

NAPI_MODULE_INIT() {
  napi_value ofd, fl;
  if (napi_create_function(env, "ofdLock", NAPI_AUTO_LENGTH, kl_ofd_lock, NULL, &ofd) != napi_ok ||
      napi_set_named_property(env, exports, "ofdLock", ofd) != napi_ok ||
      napi_create_function(env, "flock", NAPI_AUTO_LENGTH, kl_flock, NULL, &fl) != napi_ok ||
      napi_set_named_property(env, exports, "flock", fl) != napi_ok) {
    return NULL;
  }
  return exports;
}
