/*
 * Benchmark harness: MIT libkrb5's krb5_c_string_to_key, timed per enctype, for comparison
 * with keytab's own string-to-key in the same run. Built by bench/run.ts with
 *   cc -O2 bench/s2k-mit.c -lkrb5 -lk5crypto
 * Usage: s2k-mit ENCTYPE_NAME COUNT PASSWORD SALT   ->  prints "<microseconds per key> <hex key>"
 */
#include <krb5/krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s ENCTYPE COUNT PASSWORD SALT\n", argv[0]);
    return 2;
  }
  krb5_context ctx;
  krb5_enctype enctype;
  if (krb5_init_context(&ctx) || krb5_string_to_enctype(argv[1], &enctype)) {
    fprintf(stderr, "unknown enctype %s\n", argv[1]);
    return 1;
  }
  int count = atoi(argv[2]);
  krb5_data password = {0, (unsigned int)strlen(argv[3]), argv[3]};
  krb5_data salt = {0, (unsigned int)strlen(argv[4]), argv[4]};
  krb5_keyblock key;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < count; i++) {
    if (krb5_c_string_to_key(ctx, enctype, &password, &salt, &key)) {
      fprintf(stderr, "string_to_key failed\n");
      return 1;
    }
    if (i + 1 < count) krb5_free_keyblock_contents(ctx, &key);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double us = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / count;
  printf("%.1f ", us);
  for (unsigned int i = 0; i < key.length; i++) printf("%02x", key.contents[i]);
  printf("\n");
  krb5_free_keyblock_contents(ctx, &key);
  krb5_free_context(ctx);
  return 0;
}
