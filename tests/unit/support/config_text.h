// config_text - a Config snapshot from phimilter.conf text, for unit tests.
// A parse or build error is a test failure (reported with its message) and
// answers nullptr.
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

}  // namespace phi

#endif
