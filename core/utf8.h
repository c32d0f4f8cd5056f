/*
 * utf8.h - UTF-8 decoding and validation (RFC 3629), and Thai digits.
 *
 * Lengths are in bytes unless a name says _cps (code points).
 */
#ifndef FF_UTF8_H
#define FF_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one code point from s[0..n).  Returns the number of bytes used
 * (1..4) and stores the code point in *cp, or returns 0 for an invalid or
 * truncated sequence (overlongs, surrogates and > U+10FFFF are invalid).
 */
size_t ff_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp into out (at least 4 bytes); returns bytes written (0 if bad). */
size_t ff_utf8_encode(uint32_t cp, char *out);

/* Offset of the first invalid byte, or n when s[0..n) is valid UTF-8. */
size_t ff_utf8_invalid_at(const char *s, size_t n);

/* Number of code points in valid UTF-8 s[0..n). */
size_t ff_utf8_count_cps(const char *s, size_t n);

/*
 * Copy s[0..n) to out replacing Thai digits U+0E50..U+0E59 by ASCII '0'..'9'.
 * out needs n+1 bytes (the result is never longer); returns its length.
 */
size_t ff_utf8_thai_digits_to_ascii(const char *s, size_t n, char *out);

/* Trim ASCII whitespace, NBSP and U+200B from both ends; returns new length. */
size_t ff_utf8_trim(const char **s, size_t n);

/*
 * End a NUL-terminated string that snprintf may have cut inside a UTF-8
 * sequence at the last complete character; returns s.
 */
char *ff_utf8_clip(char *s);

#endif
