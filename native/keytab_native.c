/*
 * keytab_native: PBKDF2-HMAC-SHA1 with the x86 SHA extensions (SHA-NI), as a Node-API addon.
 *
 * Why: PBKDF2-HMAC-SHA1 is nearly all the time of an AES-SHA1 or Camellia string-to-key
 * (RFC 3962, RFC 6803: 4,096 and 32,768 iterations per 20-byte block). OpenSSL spends much of
 * each iteration in its HMAC/EVP layer. Here an iteration is two SHA-1 compressions on
 * registers only: the HMAC key's inner and outer states are computed once, the 20-byte value U
 * is already in the layout of the next message block (SHA-1's padding of a 84-byte message is
 * constant), and the independent output blocks of one key (two for a 32-byte key) run side by
 * side so the CPU overlaps their dependency chains.
 *
 * The addon is optional. tools/build-native.mjs compiles it with the system C compiler; when
 * it is missing, or the CPU lacks SHA-NI (`accelerated` is false), lib/node/pbkdf2-native.ts
 * uses node:crypto (OpenSSL). Its output is cross-checked against the pure code in the tests.
 *
 * Exports:
 *   accelerated: boolean
 *   pbkdf2HmacSha1(password: Uint8Array, salt: Uint8Array, iterations: number, dkLen: number)
 *     : Promise<Uint8Array>   (runs on the libuv thread pool, like node:crypto's pbkdf2)
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KT_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#define KT_MAX_DKLEN 1024

/* Zeroing that the compiler may not drop. */
static void kt_wipe(void *p, size_t n) {
  volatile uint8_t *v = (volatile uint8_t *)p;
  while (n--) *v++ = 0;
}

#ifdef KT_X86

#define KT_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define KT_INLINE static inline __attribute__((always_inline)) KT_TARGET

/*
 * SHA-1 state in two registers: abcd holds A..D with A in lane 3; e holds E in lane 3 and
 * zeros elsewhere. A message block is four registers, word W(4k) in lane 3 of m[k]: the layout
 * of a big-endian block loaded and byte-reversed, and also the layout of abcd.
 */
typedef struct {
  __m128i abcd;
  __m128i e;
} kt_sha1_state;

/* One group of four rounds: E for the group is rotl(A of the group before, 30) + W. */
#define KT_ROUNDS(f, w)                     \
  do {                                      \
    e = _mm_sha1nexte_epu32(prev, (w));     \
    prev = abcd;                            \
    abcd = _mm_sha1rnds4_epu32(abcd, e, f); \
  } while (0)

/* W(t..t+3) from W(t-16..t-1): rotl1(W(t-3) ^ W(t-8) ^ W(t-14) ^ W(t-16)). */
#define KT_SCHEDULE(a, b, c, d) (a) = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32((a), (b)), (c)), (d))

/* Rounds 16-79: the next four words into `a` (which held the oldest four), then their rounds. */
#define KT_NEXT(f, a, b, c, d) \
  do {                         \
    KT_SCHEDULE(a, b, c, d);   \
    KT_ROUNDS(f, a);           \
  } while (0)

KT_INLINE void kt_sha1_compress(kt_sha1_state *s, __m128i m0, __m128i m1, __m128i m2, __m128i m3) {
  __m128i abcd = s->abcd;
  __m128i e = _mm_add_epi32(s->e, m0);
  __m128i prev = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e, 0); /* rounds 0-3 */
  KT_ROUNDS(0, m1);                       /* 4-7 */
  KT_ROUNDS(0, m2);                       /* 8-11 */
  KT_ROUNDS(0, m3);                       /* 12-15 */
  KT_NEXT(0, m0, m1, m2, m3); /* 16-19 */
  KT_NEXT(1, m1, m2, m3, m0); /* 20-23 */
  KT_NEXT(1, m2, m3, m0, m1); /* 24-27 */
  KT_NEXT(1, m3, m0, m1, m2); /* 28-31 */
  KT_NEXT(1, m0, m1, m2, m3); /* 32-35 */
  KT_NEXT(1, m1, m2, m3, m0); /* 36-39 */
  KT_NEXT(2, m2, m3, m0, m1); /* 40-43 */
  KT_NEXT(2, m3, m0, m1, m2); /* 44-47 */
  KT_NEXT(2, m0, m1, m2, m3); /* 48-51 */
  KT_NEXT(2, m1, m2, m3, m0); /* 52-55 */
  KT_NEXT(2, m2, m3, m0, m1); /* 56-59 */
  KT_NEXT(3, m3, m0, m1, m2); /* 60-63 */
  KT_NEXT(3, m0, m1, m2, m3); /* 64-67 */
  KT_NEXT(3, m1, m2, m3, m0); /* 68-71 */
  KT_NEXT(3, m2, m3, m0, m1); /* 72-75 */
  KT_NEXT(3, m3, m0, m1, m2); /* 76-79 */
  /* The final E is rotl(A of rounds 76-79, 30); lanes 0-2 of s->e stay zero. */
  s->e = _mm_sha1nexte_epu32(prev, s->e);
  s->abcd = _mm_add_epi32(abcd, s->abcd);
}

KT_INLINE __m128i kt_byte_reverse(void) {
  return _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
}

KT_INLINE void kt_sha1_block(kt_sha1_state *s, const uint8_t *p) {
  const __m128i r = kt_byte_reverse();
  kt_sha1_compress(s, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), r),
                   _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), r),
                   _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), r),
                   _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), r));
}

KT_INLINE void kt_sha1_init(kt_sha1_state *s) {
  s->abcd = _mm_set_epi32(0x67452301, (int)0xefcdab89, (int)0x98badcfe, 0x10325476);
  s->e = _mm_set_epi32((int)0xc3d2e1f0, 0, 0, 0);
}

/* Hashes `len` more bytes after `prefix_len` already compressed bytes, and pads. */
KT_TARGET static void kt_sha1_finish(kt_sha1_state *s, const uint8_t *p, size_t len, uint64_t prefix_len) {
  uint8_t block[128];
  uint64_t bits = (prefix_len + len) * 8;
  while (len >= 64) {
    kt_sha1_block(s, p);
    p += 64;
    len -= 64;
  }
  size_t total = len + 9 <= 64 ? 64 : 128;
  memset(block, 0, sizeof block);
  memcpy(block, p, len);
  block[len] = 0x80;
  for (int i = 0; i < 8; i++) block[total - 1 - i] = (uint8_t)(bits >> (8 * i));
  kt_sha1_block(s, block);
  if (total == 128) kt_sha1_block(s, block + 64);
  kt_wipe(block, sizeof block);
}

/*
 * The message block of an 84-byte HMAC message whose last 20 bytes are the digest `d`
 * (64 bytes of key pad were compressed before): d, 0x80 padding, bit length 672.
 */
#define KT_DIGEST_BLOCK(d) (d).abcd, _mm_or_si128((d).e, pad), zero, len672

/* PBKDF2 blocks first..first+N-1 (1-based), N chains side by side; out gets N*20 bytes. */
#define KT_DEFINE_PBKDF2_CHAINS(name, N)                                                                  \
  KT_TARGET static void name(const kt_sha1_state *inner, const kt_sha1_state *outer, const uint8_t *salt, \
                             size_t salt_len, uint32_t iterations, uint32_t first, uint8_t *out,          \
                             uint8_t *scratch) {                                                          \
    const __m128i zero = _mm_setzero_si128();                                                             \
    const __m128i pad = _mm_set_epi32(0, (int)0x80000000, 0, 0);                                          \
    const __m128i len672 = _mm_set_epi32(0, 0, 0, 672);                                                   \
    kt_sha1_state u[N], t[N], h;                                                                          \
    memcpy(scratch, salt, salt_len);                                                                      \
    _Pragma("GCC unroll 4") for (int k = 0; k < N; k++) {                                                 \
      uint32_t i = first + (uint32_t)k;                                                                   \
      scratch[salt_len] = (uint8_t)(i >> 24);                                                             \
      scratch[salt_len + 1] = (uint8_t)(i >> 16);                                                         \
      scratch[salt_len + 2] = (uint8_t)(i >> 8);                                                          \
      scratch[salt_len + 3] = (uint8_t)i;                                                                 \
      h = *inner;                                                                                         \
      kt_sha1_finish(&h, scratch, salt_len + 4, 64);                                                      \
      u[k] = *outer;                                                                                      \
      kt_sha1_compress(&u[k], KT_DIGEST_BLOCK(h));                                                        \
      t[k] = u[k];                                                                                        \
    }                                                                                                     \
    for (uint32_t j = 1; j < iterations; j++) {                                                           \
      _Pragma("GCC unroll 4") for (int k = 0; k < N; k++) {                                               \
        h = *inner;                                                                                       \
        kt_sha1_compress(&h, KT_DIGEST_BLOCK(u[k]));                                                      \
        u[k] = *outer;                                                                                    \
        kt_sha1_compress(&u[k], KT_DIGEST_BLOCK(h));                                                      \
        t[k].abcd = _mm_xor_si128(t[k].abcd, u[k].abcd);                                                  \
        t[k].e = _mm_xor_si128(t[k].e, u[k].e);                                                           \
      }                                                                                                   \
    }                                                                                                     \
    const __m128i r = kt_byte_reverse();                                                                  \
    _Pragma("GCC unroll 4") for (int k = 0; k < N; k++) {                                                 \
      _mm_storeu_si128((__m128i *)(out + 20 * k), _mm_shuffle_epi8(t[k].abcd, r));                        \
      uint32_t e = (uint32_t)_mm_extract_epi32(t[k].e, 3);                                                \
      out[20 * k + 16] = (uint8_t)(e >> 24);                                                              \
      out[20 * k + 17] = (uint8_t)(e >> 16);                                                              \
      out[20 * k + 18] = (uint8_t)(e >> 8);                                                               \
      out[20 * k + 19] = (uint8_t)e;                                                                      \
    }                                                                                                     \
    kt_wipe(u, sizeof u);                                                                                 \
    kt_wipe(t, sizeof t);                                                                                 \
    kt_wipe(&h, sizeof h);                                                                                \
  }

KT_DEFINE_PBKDF2_CHAINS(kt_pbkdf2_chains1, 1)
KT_DEFINE_PBKDF2_CHAINS(kt_pbkdf2_chains2, 2)

/* RFC 8018 PBKDF2 with HMAC-SHA1 (RFC 2104). Returns 0, or -1 when out of memory. */
KT_TARGET static int kt_pbkdf2_hmac_sha1(const uint8_t *password, size_t password_len, const uint8_t *salt,
                                         size_t salt_len, uint32_t iterations, uint8_t *out, size_t dk_len) {
  uint8_t key[64], block[64];
  uint8_t buf[40];
  kt_sha1_state inner, outer;
  memset(key, 0, sizeof key);
  if (password_len > 64) {
    kt_sha1_state k;
    kt_sha1_init(&k);
    kt_sha1_finish(&k, password, password_len, 0);
    _mm_storeu_si128((__m128i *)key, _mm_shuffle_epi8(k.abcd, kt_byte_reverse()));
    uint32_t e = (uint32_t)_mm_extract_epi32(k.e, 3);
    key[16] = (uint8_t)(e >> 24);
    key[17] = (uint8_t)(e >> 16);
    key[18] = (uint8_t)(e >> 8);
    key[19] = (uint8_t)e;
    kt_wipe(&k, sizeof k);
  } else if (password_len > 0) {
    memcpy(key, password, password_len);
  }
  for (int i = 0; i < 64; i++) block[i] = key[i] ^ 0x36;
  kt_sha1_init(&inner);
  kt_sha1_block(&inner, block);
  for (int i = 0; i < 64; i++) block[i] = key[i] ^ 0x5c;
  kt_sha1_init(&outer);
  kt_sha1_block(&outer, block);
  kt_wipe(key, sizeof key);
  kt_wipe(block, sizeof block);

  uint8_t *scratch = malloc(salt_len + 4);
  if (scratch == NULL) return -1;
  uint32_t blocks = (uint32_t)((dk_len + 19) / 20);
  for (uint32_t b = 0; b < blocks; b += 2) {
    int pair = b + 1 < blocks;
    if (pair) {
      kt_pbkdf2_chains2(&inner, &outer, salt, salt_len, iterations, b + 1, buf, scratch);
    } else {
      kt_pbkdf2_chains1(&inner, &outer, salt, salt_len, iterations, b + 1, buf, scratch);
    }
    size_t off = (size_t)b * 20;
    size_t n = dk_len - off < (pair ? 40u : 20u) ? dk_len - off : (pair ? 40u : 20u);
    memcpy(out + off, buf, n);
  }
  kt_wipe(scratch, salt_len + 4);
  free(scratch);
  kt_wipe(buf, sizeof buf);
  kt_wipe(&inner, sizeof inner);
  kt_wipe(&outer, sizeof outer);
  return 0;
}

static int kt_has_sha_ni(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return sse41 && ssse3 && ((b >> 29) & 1);
}

#else /* not x86-64: the addon loads but reports no acceleration. */

static int kt_has_sha_ni(void) { return 0; }

static int kt_pbkdf2_hmac_sha1(const uint8_t *password, size_t password_len, const uint8_t *salt, size_t salt_len,
                               uint32_t iterations, uint8_t *out, size_t dk_len) {
  (void)password, (void)password_len, (void)salt, (void)salt_len, (void)iterations, (void)out, (void)dk_len;
  return -1;
}

#endif

/* ---- Node-API glue ---------------------------------------------------------------------- */

static int kt_accelerated = 0;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  uint8_t *password;
  size_t password_len;
  uint8_t *salt;
  size_t salt_len;
  uint32_t iterations;
  uint8_t *out;
  size_t dk_len;
  int status;
} kt_job;

static void kt_job_free(napi_env env, kt_job *job) {
  if (job->password) {
    kt_wipe(job->password, job->password_len);
    free(job->password);
  }
  if (job->salt) {
    kt_wipe(job->salt, job->salt_len);
    free(job->salt);
  }
  if (job->out) {
    kt_wipe(job->out, job->dk_len);
    free(job->out);
  }
  if (job->work) napi_delete_async_work(env, job->work);
  free(job);
}

static void kt_execute(napi_env env, void *data) {
  (void)env;
  kt_job *job = (kt_job *)data;
  job->status = kt_pbkdf2_hmac_sha1(job->password, job->password_len, job->salt, job->salt_len, job->iterations,
                                    job->out, job->dk_len);
}

static void kt_complete(napi_env env, napi_status status, void *data) {
  kt_job *job = (kt_job *)data;
  napi_value result;
  if (status != napi_ok || job->status != 0) {
    napi_value message;
    napi_create_string_utf8(env, "keytab_native: PBKDF2 failed (out of memory)", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    napi_reject_deferred(env, job->deferred, result);
  } else {
    void *bytes;
    napi_value buffer;
    napi_create_arraybuffer(env, job->dk_len, &bytes, &buffer);
    memcpy(bytes, job->out, job->dk_len);
    napi_create_typedarray(env, napi_uint8_array, job->dk_len, buffer, 0, &result);
    napi_resolve_deferred(env, job->deferred, result);
  }
  kt_job_free(env, job);
}

/* Copies a Uint8Array argument; returns 0 when `value` is not one. */
static int kt_copy_bytes(napi_env env, napi_value value, uint8_t **out, size_t *len) {
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, len, &data, &ab, &offset) != napi_ok || type != napi_uint8_array) {
    return 0;
  }
  *out = malloc(*len > 0 ? *len : 1);
  if (*out == NULL) return 0;
  if (*len > 0) memcpy(*out, data, *len);
  return 1;
}

static napi_value kt_throw(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG", message);
  return NULL;
}

static napi_value kt_pbkdf2(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    return kt_throw(env, "pbkdf2HmacSha1(password, salt, iterations, dkLen) takes four arguments");
  }
  if (!kt_accelerated) return kt_throw(env, "pbkdf2HmacSha1 needs a CPU with the SHA extensions");
  double iterations, dk_len;
  if (napi_get_value_double(env, argv[2], &iterations) != napi_ok || iterations < 1 || iterations > 4294967295.0 ||
      iterations != (double)(uint32_t)iterations) {
    return kt_throw(env, "iterations must be an integer from 1 to 4294967295");
  }
  if (napi_get_value_double(env, argv[3], &dk_len) != napi_ok || dk_len < 1 || dk_len > KT_MAX_DKLEN ||
      dk_len != (double)(uint32_t)dk_len) {
    return kt_throw(env, "dkLen must be an integer from 1 to 1024");
  }
  kt_job *job = calloc(1, sizeof *job);
  if (job == NULL) return kt_throw(env, "out of memory");
  job->iterations = (uint32_t)iterations;
  job->dk_len = (size_t)dk_len;
  if (!kt_copy_bytes(env, argv[0], &job->password, &job->password_len) ||
      !kt_copy_bytes(env, argv[1], &job->salt, &job->salt_len)) {
    kt_job_free(env, job);
    return kt_throw(env, "password and salt must be Uint8Arrays");
  }
  job->out = malloc(job->dk_len);
  napi_value promise, name;
  if (job->out == NULL || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "keytab_native.pbkdf2", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, kt_execute, kt_complete, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    kt_job_free(env, job);
    return kt_throw(env, "could not queue the PBKDF2 job");
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_value fn, flag;
  kt_accelerated = kt_has_sha_ni();
  if (napi_create_function(env, "pbkdf2HmacSha1", NAPI_AUTO_LENGTH, kt_pbkdf2, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "pbkdf2HmacSha1", fn) != napi_ok ||
      napi_get_boolean(env, kt_accelerated != 0, &flag) != napi_ok ||
      napi_set_named_property(env, exports, "accelerated", flag) != napi_ok) {
    return NULL;
  }
  return exports;
}
