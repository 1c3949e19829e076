// Tests for multipart delimiter detection, including splits at every byte.
#include "milter/mime/boundary.h"

#include <gtest/gtest.h>

namespace phi::mime {
namespace {

class Collect : public BoundarySplitter::Events {
 public:
  void content(std::string_view b) override { out += std::string(b); }
  void delimiter(bool close) override { out += close ? "[CLOSE]" : "[DELIM]"; }
  std::string out;
};

std::string split(std::string_view boundary, std::string_view body, size_t cut) {
  Collect c;
  BoundarySplitter s(boundary, c);
  s.feed(body.substr(0, cut));
  s.feed(body.substr(cut));
  s.finish();
  return c.out;
}

TEST(BoundarySplitter, TableAtEveryCut) {
  struct Row { const char* label; std::string body; std::string want; };
  const Row rows[] = {
      {"crlf", "pre\r\n--b\r\none\r\n--b\r\ntwo\r\n--b--\r\nepi\r\n", "pre[DELIM]one[DELIM]two[CLOSE]epi\r\n"},
      {"lf", "--b\nx\n--b--\n", "[DELIM]x[CLOSE]"},
      {"padding after delimiter", "--b  \r\nx\r\n--b--  junk\r\ny", "[DELIM]x[CLOSE]y"},
      {"longer boundary is content", "--bb\r\n--b-x\r\n--b\r\n", "--bb\r\n--b-x[DELIM]"},
      {"dash lines are content", "-\n--\n---\n--b\n", "-\n--\n---[DELIM]"},
      {"delimiter at the very end", "x\r\n--b--", "x[CLOSE]"},
      {"delimiter at end no close", "x\n--b", "x[DELIM]"},
      {"not at line start", "x--b\r\n", "x--b\r\n"},
      {"bare cr kept", "a\rb\r\n--b\r\n", "a\rb[DELIM]"},
      {"trailing cr kept", "a\r", "a\r"},
      {"empty parts", "--b\r\n--b\r\n--b--", "[DELIM][DELIM][CLOSE]"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    for (size_t cut = 0; cut <= r.body.size(); ++cut) ASSERT_EQ(split("b", r.body, cut), r.want) << "cut " << cut;
  }
}

TEST(BoundarySplitter, OneByteAtATime) {
  std::string body = "pre\r\n--frontier\r\nA\r\n--frontier--\r\n";
  Collect c;
  BoundarySplitter s("frontier", c);
  for (char ch : body) s.feed(std::string_view(&ch, 1));
  s.finish();
  EXPECT_EQ(c.out, "pre[DELIM]A[CLOSE]");
}

TEST(BoundarySplitter, TenThousandNearMissLinesAreLinear) {
  std::string line = "--" + std::string(69, 'a') + "X\r\n";
  std::string body;
  for (int i = 0; i < 10000; ++i) body += line;
  Collect c;
  BoundarySplitter s(std::string(70, 'a'), c);
  s.feed(body);
  s.finish();
  EXPECT_EQ(c.out, body);
}

}  // namespace
}  // namespace phi::mime
