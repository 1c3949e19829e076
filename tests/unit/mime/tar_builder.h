// NAME
//   tar_builder - tar archives and gzip files built in memory for the archive tests
// SYNOPSIS
//   std::string t = tar_entry("a.txt", "text") + tar_entry("d/", "", '5') + tar_end();
//   std::string g = gzip_bytes(t, "original-name");
// DESCRIPTION
//   tar_header() writes one 512-byte ustar header (or v7, without the
//   magic) with a correct checksum; tar_entry() adds the data, padded to
//   512 bytes; pax_record() is one "LEN key=value\n" record. gzip_bytes()
//   deflates with zlib in gzip format, with the FNAME given (none if empty);
//   bzip2_bytes() and xz_bytes() compress with libbz2 and liblzma (xz -6),
//   zstd_bytes() with libzstd (level 3, one frame with its content size),
//   zstd_blocks() with a block for every `piece` bytes.
// THREADS
//   Test only.
#ifndef PHI_TESTS_MIME_TAR_BUILDER_H
#define PHI_TESTS_MIME_TAR_BUILDER_H

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace phi::mime::test {

inline std::string tar_header(const std::string& name, size_t size, char type = '0', bool ustar = true) {
  std::string h(512, '\0');
  std::memcpy(&h[0], name.data(), std::min<size_t>(name.size(), 100));
  std::snprintf(&h[100], 8, "%07o", 0644);
  std::snprintf(&h[108], 8, "%07o", 0);
  std::snprintf(&h[116], 8, "%07o", 0);
  char sz[13];
  std::snprintf(sz, sizeof sz, "%011zo", size);
  std::memcpy(&h[124], sz, 11);
  std::snprintf(&h[136], 12, "%011o", 0);
  h[156] = type;
  if (ustar) std::memcpy(&h[257], "ustar\0" "00", 8);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  return h;
}

inline std::string tar_pad(size_t n) { return std::string((512 - n % 512) % 512, '\0'); }

inline std::string tar_entry(const std::string& name, const std::string& data, char type = '0', bool ustar = true) {
  return tar_header(name, data.size(), type, ustar) + data + tar_pad(data.size());
}

inline std::string tar_end() { return std::string(1024, '\0'); }

inline std::string pax_record(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t len = body.size() + 1;
  while (std::to_string(len).size() + body.size() != len) ++len;
  return std::to_string(len) + body;
}

inline std::string gzip_bytes(const std::string& data, const std::string& fname = "") {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  gz_header head{};
  std::vector<unsigned char> name(fname.begin(), fname.end());
  name.push_back(0);
  if (!fname.empty()) {
    head.name = name.data();
    deflateSetHeader(&z, &head);
  }
  std::string out(deflateBound(&z, data.size()) + 64 + fname.size(), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

inline std::string bzip2_bytes(const std::string& data) {
  std::string out(data.size() + data.size() / 100 + 700, '\0');
  unsigned len = static_cast<unsigned>(out.size());
  BZ2_bzBuffToBuffCompress(&out[0], &len, const_cast<char*>(data.data()), static_cast<unsigned>(data.size()), 9, 0, 0);
  out.resize(len);
  return out;
}

inline std::string xz_bytes(const std::string& data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  size_t pos = 0;
  lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                          reinterpret_cast<uint8_t*>(&out[0]), &pos, out.size());
  out.resize(pos);
  return out;
}

inline std::string zstd_bytes(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(&out[0], out.size(), data.data(), data.size(), 3);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// zstd_bytes() in blocks of `piece` bytes of data (a flush after each),
// as a stream's writer makes them.
inline std::string zstd_blocks(const std::string& data, size_t piece) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(data.size()) + data.size() / piece * 8 + 64, '\0');
  ZSTD_outBuffer o{&out[0], out.size(), 0};
  for (size_t at = 0; at < data.size(); at += piece) {
    ZSTD_inBuffer i{data.data() + at, std::min(piece, data.size() - at), 0};
    while (i.pos < i.size) ZSTD_compressStream2(c, &o, &i, ZSTD_e_flush);
    ZSTD_inBuffer none{nullptr, 0, 0};
    while (ZSTD_compressStream2(c, &o, &none, ZSTD_e_flush) > 0) {
    }
  }
  ZSTD_inBuffer none{nullptr, 0, 0};
  while (ZSTD_compressStream2(c, &o, &none, ZSTD_e_end) > 0) {
  }
  ZSTD_freeCCtx(c);
  out.resize(o.pos);
  return out;
}

}  // namespace phi::mime::test

#endif
