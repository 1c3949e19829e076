// config_text - a Config snapshot from phimilter.conf text, for unit tests.
// A parse or build error is a test failure (reported with its message) and
// answers nullptr. expect_build_outcome checks that text builds, or fails
// with an error that starts with `want`.
#ifndef PHI_TESTS_UNIT_SUPPORT_CONFIG_TEXT_H
#define PHI_TESTS_UNIT_SUPPORT_CONFIG_TEXT_H

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "milter/config.h"

namespace phi {

inline std::shared_ptr<const Config> config_from_text(const std::string& text) {
  auto s = parse_settings(text, "test.conf");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) return nullptr;
  auto c = build_config(*s, "test.conf");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return c.ok() ? *c : nullptr;
}

// `text` (read as `source`) parses; with `want` empty it builds, otherwise
// building fails with an error message that starts with `want`.
inline void expect_build_outcome(const std::string& text, const std::string& source, const std::string& want) {
  auto s = parse_settings(text, source);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto cfg = build_config(*s, source);
  if (want.empty()) {
    EXPECT_TRUE(cfg.ok()) << cfg.error().message;
    return;
  }
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.error().message.rfind(want, 0), 0u) << "got: " << cfg.error().message;
}

}  // namespace phi

#endif
