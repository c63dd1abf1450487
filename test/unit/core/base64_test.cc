#include <gtest/gtest.h>

#include "kongdb/core/base64.h"

namespace kongdb {

TEST(Base64, EncodesWithoutPadding) {
  EXPECT_EQ(base64::encode(""), "");
  EXPECT_EQ(base64::encode("f"), "Zg");
  EXPECT_EQ(base64::encode("fo"), "Zm8");
  EXPECT_EQ(base64::encode("foo"), "Zm9v");
  EXPECT_EQ(base64::encode(R"(["a"])"), "WyJhIl0");
}

TEST(Base64, DecodesWithOrWithoutPadding) {
  EXPECT_EQ(base64::decode("Zg"), "f");
  EXPECT_EQ(base64::decode("Zg=="), "f");
  EXPECT_EQ(base64::decode("Zm9v"), "foo");
}

TEST(Base64, RejectsJunk) {
  EXPECT_FALSE(base64::decode("Z"));
  EXPECT_FALSE(base64::decode("Zm9v!"));
  EXPECT_FALSE(base64::decode("Zm 9v"));
}

TEST(Base64, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t n = 0; n <= all.size(); n += 7) {
    EXPECT_EQ(base64::decode(base64::encode(all.substr(0, n))), all.substr(0, n));
  }
}

}  // namespace kongdb
