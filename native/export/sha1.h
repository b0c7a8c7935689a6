// SHA-1 (FIPS 180-4) of short inputs, for the Community ID (which is defined
// over SHA-1; nothing here relies on it as a security hash). One call hashes
// one complete message; inputs are at most a few dozen bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pktkit::exporter {

inline uint32_t sha1_rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

inline void sha1_block(uint32_t h[5], const uint8_t* p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = uint32_t{p[4 * i]} << 24 | uint32_t{p[4 * i + 1]} << 16 | uint32_t{p[4 * i + 2]} << 8 | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = sha1_rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) f = (b & c) | (~b & d), k = 0x5a827999;
    else if (i < 40) f = b ^ c ^ d, k = 0x6ed9eba1;
    else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdc;
    else f = b ^ c ^ d, k = 0xca62c1d6;
    uint32_t t = sha1_rol(a, 5) + f + e + k + w[i];
    e = d, d = c, c = sha1_rol(b, 30), b = a, a = t;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

// The 20-byte digest of `n` bytes at `data`.
inline void sha1(const uint8_t* data, size_t n, uint8_t out[20]) {
  uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  size_t i = 0;
  for (; i + 64 <= n; i += 64) sha1_block(h, data + i);
  uint8_t tail[128] = {};
  size_t rest = n - i;
  std::memcpy(tail, data + i, rest);
  tail[rest] = 0x80;
  size_t len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = static_cast<uint64_t>(n) * 8;
  for (int k = 0; k < 8; k++) tail[len - 1 - k] = static_cast<uint8_t>(bits >> (8 * k));
  sha1_block(h, tail);
  if (len == 128) sha1_block(h, tail + 64);
  for (int k = 0; k < 5; k++) {
    out[4 * k] = static_cast<uint8_t>(h[k] >> 24);
    out[4 * k + 1] = static_cast<uint8_t>(h[k] >> 16);
    out[4 * k + 2] = static_cast<uint8_t>(h[k] >> 8);
    out[4 * k + 3] = static_cast<uint8_t>(h[k]);
  }
}

// Standard base64 (RFC 4648, with padding) of a 20-byte digest: 28 characters.
inline void base64_20(const uint8_t in[20], char out[28]) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int o = 0;
  for (int i = 0; i < 18; i += 3) {
    uint32_t v = uint32_t{in[i]} << 16 | uint32_t{in[i + 1]} << 8 | in[i + 2];
    out[o++] = kAlphabet[v >> 18], out[o++] = kAlphabet[(v >> 12) & 63], out[o++] = kAlphabet[(v >> 6) & 63],
    out[o++] = kAlphabet[v & 63];
  }
  uint32_t v = uint32_t{in[18]} << 16 | uint32_t{in[19]} << 8;
  out[o++] = kAlphabet[v >> 18], out[o++] = kAlphabet[(v >> 12) & 63], out[o++] = kAlphabet[(v >> 6) & 63],
  out[o++] = '=';
}

}  // namespace pktkit::exporter
