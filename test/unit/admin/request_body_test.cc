#include <gtest/gtest.h>

#include "kongdb/admin/request_decoding.h"
#include "kongdb/core/json.h"

namespace kongdb::admin {
namespace {

Request post(std::string content_type, std::string body, std::string method = "POST") {
  Request r;
  r.method = std::move(method);
  r.target = "/services";
  if (!content_type.empty()) r.headers.push_back({"content-type", std::move(content_type)});
  r.body = std::move(body);
  return r;
}

std::string multipart(const std::vector<std::pair<std::string, std::string>>& parts,
                      const std::string& boundary = "XyZ") {
  std::string body;
  for (auto& [disposition, content] : parts)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n\r\n" +
            content + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

}  // namespace

TEST(RequestBody, ContentTypesAreClassifiedByCaseInsensitivePrefix) {
  EXPECT_EQ(classify_content_type(""), BodyKind::None);
  EXPECT_EQ(classify_content_type("Application/JSON; charset=utf-8"), BodyKind::Json);
  EXPECT_EQ(classify_content_type("application/x-www-form-urlencoded"), BodyKind::Form);
  EXPECT_EQ(classify_content_type("multipart/form-data; boundary=x"), BodyKind::Multipart);
  EXPECT_EQ(classify_content_type("text/plain"), BodyKind::Other);
}

TEST(RequestBody, JsonBodyIsTheParsedValue) {
  auto r = decode_request(post("application/json", R"({"name":"a","port":80,"tags":["x"]})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->args.body_kind, BodyKind::Json);
  EXPECT_EQ(json::encode(r->args.post), R"({"name":"a","port":80,"tags":["x"]})");
}

TEST(RequestBody, MalformedOrEmptyJsonOnWritesIsCannotParseJsonBody) {
  for (std::string method : {"POST", "PUT", "PATCH"}) {
    for (std::string body : {"{", "", "{\"a\":}"}) {
      auto r = decode_request(post("application/json", body, method));
      ASSERT_FALSE(r) << method << " " << body;
      EXPECT_EQ(r.error().message, "Cannot parse JSON body");
    }
  }
}

TEST(RequestBody, MalformedJsonOnReadsAndDeletesIsIgnored) {
  for (std::string method : {"GET", "DELETE"}) {
    auto r = decode_request(post("application/json", "{", method));
    ASSERT_TRUE(r) << method;
    EXPECT_EQ(json::encode(r->args.post), "{}");
  }
}

TEST(RequestBody, JsonScalarBodyIsKeptAsSent) {
  auto r = decode_request(post("application/json", "5"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->args.post, Value(5));
}

TEST(RequestBody, FormBodyUsesKongsNestedKeys) {
  auto r = decode_request(
      post("application/x-www-form-urlencoded", "name=s&paths[]=/a&paths[]=/b&config.minute=5"));
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->args.post), R"({"name":"s","paths":["/a","/b"],"config":{"minute":"5"}})");
}

TEST(RequestBody, FormBodyWithBadEncodingIsAnError) {
  auto r = decode_request(post("application/x-www-form-urlencoded", "name=%G1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Invalid percent-encoding in request");
}

TEST(RequestBody, QueryIsDecodedAlongsideTheBody) {
  Request req = post("application/json", R"({"a":1})");
  req.target = "/services?size=2&tags=a%2Cb";
  auto r = decode_request(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::encode(r->args.uri), R"({"size":"2","tags":"a,b"})");
  EXPECT_EQ(r->target.segments, (std::vector<std::string>{"services"}));
}

TEST(RequestBody, UnknownContentTypeKeepsTheRawBodyAndDecodesNothing) {
  auto r = decode_request(post("text/plain", "name=x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->args.body_kind, BodyKind::Other);
  EXPECT_EQ(r->args.raw_body, "name=x");
  EXPECT_EQ(json::encode(r->args.post), "{}");
}

TEST(RequestBody, NoContentTypeIgnoresTheBody) {
  auto r = decode_request(post("", "name=x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->args.body_kind, BodyKind::None);
  EXPECT_EQ(json::encode(r->args.post), "{}");
}

TEST(RequestBody, MultipartPartsBecomeNestedArguments) {
  std::string body = multipart({{R"(name="name")", "svc"},
                                {R"(name="paths[]")", "/a"},
                                {R"(name="paths[]")", "/b"},
                                {R"(name="config.minute")", "5"},
                                {R"(name="cert"; filename="c.pem")", "-----BEGIN\r\nX\r\n"}});
  auto r = decode_request(post("multipart/form-data; boundary=XyZ", body));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::encode(r->args.post),
            R"({"name":"svc","paths":["/a","/b"],"config":{"minute":"5"},"cert":"-----BEGIN\r\nX\r\n"})");
}

TEST(RequestBody, MultipartQuotedBoundaryPreambleAndUtf8NamesAreUnderstood) {
  std::string body = "preamble\r\n" +
                     multipart({{R"(name="x"; name*=utf-8''caf%C3%A9)", "1"},
                                {R"(name="semi;colon")", "2"}},
                               "a b");
  auto r = decode_multipart(body, R"(multipart/form-data; boundary="a b")", "POST");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::encode(*r), "{\"caf\xc3\xa9\":\"1\",\"semi;colon\":\"2\"}");
}

TEST(RequestBody, MultipartPartWithoutNameIsIgnored) {
  std::string body = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--";
  auto r = decode_multipart(body, "multipart/form-data; boundary=b", "POST");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(json::encode(*r), "{}");
}

TEST(RequestBody, MalformedMultipartIsAnError) {
  const std::string ok = multipart({{R"(name="a")", "1"}});
  struct Case {
    std::string content_type, body;
  };
  for (const Case& c : std::vector<Case>{
           {"multipart/form-data", ok},                               // no boundary
           {"multipart/form-data; boundary=other", ok},              // boundary never found
           {"multipart/form-data; boundary=XyZ", ok.substr(0, 40)},  // no closing delimiter
           {"multipart/form-data; boundary=XyZ", "--XyZ\r\nno-colon\r\n\r\nx\r\n--XyZ--"},
           {"multipart/form-data; boundary=XyZ", "--XyZjunk"},
       }) {
    auto r = decode_request(post(c.content_type, c.body));
    ASSERT_FALSE(r) << c.content_type << " | " << c.body;
    EXPECT_EQ(r.error().message, "Cannot parse multipart/form-data body");
  }
}

TEST(RequestBody, TooManyMultipartPartsIsTooManyArguments) {
  std::vector<std::pair<std::string, std::string>> parts;
  for (size_t i = 0; i <= kMaxArguments; ++i) parts.push_back({"name=\"a\"", "x"});
  auto r = decode_multipart(multipart(parts), "multipart/form-data; boundary=XyZ", "POST");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Too many arguments");
}

TEST(RequestBody, InvalidTargetIsAnError) {
  Request req = post("", "");
  req.target = "/services/%zz";
  auto r = decode_request(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Invalid percent-encoding in request");
}

}  // namespace kongdb::admin
