// The mock register server speaks docs/register-protocol.md: checked here with raw HTTP
// requests (libcurl), not through the ecid client, so a shared misunderstanding of the
// protocol cannot hide. Also the ecid-mock-register executable's start and stop.
#include "http_test_support.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ecid::testing {
namespace {

struct Reply {
  long status = 0;
  std::string body;
  std::string headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

size_t append(char* d, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(d, s * n);
  return s * n;
}

Reply request(const std::string& url, const std::string* body, std::vector<std::string> headers = {}) {
  CURL* c = curl_easy_init();
  Reply r;
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r;
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < in.size() ? t[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? t[v & 63] : '=';
  }
  return out;
}

class MockServer : public ::testing::Test {
 protected:
  void SetUp() override { server_ = start_mock(); }
  std::string url(const std::string& path) const { return server_->base_url() + path; }
  std::string token() {
    std::string form = "grant_type=client_credentials&client_id=" + std::string(kClientId) +
                       "&client_secret=" + kClientSecret;
    Reply r = request(url("/oauth2/token"), &form);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("access_token", "");
  }
  Reply lookup(const std::string& body, const std::string& path = "/v1/lookup") {
    return request(url(path), &body, {"Content-Type: application/json", "Authorization: Bearer " + token()});
  }
  std::unique_ptr<MockRegisterServer> server_;
};

const char* kQuery =
    R"({"id":"q1","kind":"person.by_id","key":"001085000101","fields":["full_name","other_names","birth_date"],)"
    R"("purpose":"court.case_filing","document_ref":"CASE-1"})";

TEST_F(MockServer, HealthIsAConstantAnswerWithoutToken) {
  Reply r = request(url("/v1/health"), nullptr);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["protocol"], "ecid-register/1");
  EXPECT_EQ(server_->counters().health_requests, 1u);
}

TEST_F(MockServer, RegisterRequestsNeedAToken) {
  std::string q = kQuery;
  Reply r = request(url("/v1/lookup"), &q, {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["error"]["code"], "unauthorized");
  EXPECT_NE(r.headers.find("WWW-Authenticate: Bearer"), std::string::npos);
  Reply forged = request(url("/v1/lookup"), &q, {"Authorization: Bearer 0123456789abcdef"});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(server_->counters().unauthorized, 2u);
}

TEST_F(MockServer, TokenEndpointFollowsOAuth2ClientCredentials) {
  std::string wrong_grant = "grant_type=password";
  Reply r = request(url("/oauth2/token"), &wrong_grant);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"], "unsupported_grant_type");
  std::string wrong_secret = "grant_type=client_credentials&client_id=" + std::string(kClientId) + "&client_secret=nope";
  r = request(url("/oauth2/token"), &wrong_secret);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["error"], "invalid_client");
  // HTTP Basic client authentication (RFC 6749 §2.3.1).
  std::string grant = "grant_type=client_credentials";
  Reply basic = request(url("/oauth2/token"), &grant,
                        {"Authorization: Basic " + base64(std::string(kClientId) + ":" + kClientSecret)});
  ASSERT_EQ(basic.status, 200) << basic.body;
  auto j = basic.json();
  EXPECT_EQ(j["token_type"], "Bearer");
  EXPECT_GT(j["expires_in"].get<int>(), 0);
  EXPECT_GE(j["access_token"].get<std::string>().size(), 32u);
  EXPECT_EQ(server_->counters().tokens_issued, 1u);
}

TEST_F(MockServer, AnswersOnlyTheRequestedFieldsNullWhenNotHeld) {
  Reply r = lookup(kQuery);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["protocol"], "ecid-register/1");
  auto a = j["answer"];
  EXPECT_EQ(a["id"], "q1");
  EXPECT_EQ(a["status"], "found");
  ASSERT_EQ(a["records"].size(), 1u);
  auto rec = a["records"][0];
  EXPECT_EQ(rec.size(), 3u);
  EXPECT_EQ(rec["full_name"], "Nguyễn Văn An");
  EXPECT_EQ(rec["birth_date"], "1985-02-15");
  EXPECT_TRUE(rec["other_names"].is_null());
  EXPECT_FALSE(rec.contains("personal_id"));
}

TEST_F(MockServer, BatchAnswersInOrderWithIds) {
  std::string body = R"({"queries":[)";
  std::vector<std::string> keys = {"001085000101", "001085000998", "12", "079190000202"};
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) body += ",";
    body += R"({"id":"a)" + std::to_string(i) + R"(","kind":"person.by_id","key":")" + keys[i] +
            R"(","fields":["personal_id"],"purpose":"p","document_ref":""})";
  }
  body += R"(,{"id":"legacy","kind":"person.by_legacy_id","key":"172345678","fields":["personal_id"],"purpose":"p"})";
  body += R"(,{"id":"ship","kind":"ship.by_name","key":"x","fields":[],"purpose":"p"})";
  body += "]}";
  Reply r = lookup(body, "/v1/lookup/batch");
  ASSERT_EQ(r.status, 200) << r.body;
  auto answers = r.json()["answers"];
  ASSERT_EQ(answers.size(), 6u);
  EXPECT_EQ(answers[0]["status"], "found");
  EXPECT_EQ(answers[0]["records"][0]["personal_id"], "001085000101");
  EXPECT_EQ(answers[1]["status"], "not_found");
  EXPECT_EQ(answers[1]["records"].size(), 0u);
  EXPECT_EQ(answers[2]["status"], "invalid_key");
  EXPECT_FALSE(answers[2]["detail"].get<std::string>().empty());
  EXPECT_EQ(answers[3]["records"][0]["personal_id"], "079190000202");
  EXPECT_EQ(answers[4]["records"][0]["personal_id"], "038088000606");
  EXPECT_EQ(answers[5]["id"], "ship");
  EXPECT_EQ(answers[5]["status"], "unavailable");
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(answers[i]["id"], "a" + std::to_string(i));
  }
}

TEST_F(MockServer, BatchDefaultsApplyUnlessAQueryOverrides) {
  std::string body = R"({"queries":[{"id":"a","kind":"person.by_id","key":"001085000101"},)"
                     R"({"id":"b","kind":"person.by_id","key":"038088000606","fields":["legacy_id"]}],)"
                     R"("defaults":{"fields":["full_name","sex"],"purpose":"court.case_filing","document_ref":"X"}})";
  Reply r = lookup(body, "/v1/lookup/batch");
  ASSERT_EQ(r.status, 200) << r.body;
  auto answers = r.json()["answers"];
  ASSERT_EQ(answers.size(), 2u);
  auto first = answers[0]["records"][0];
  EXPECT_EQ(first.size(), 2u);
  EXPECT_EQ(first["full_name"], "Nguyễn Văn An");
  EXPECT_EQ(first["sex"], "M");
  auto second = answers[1]["records"][0];
  EXPECT_EQ(second.size(), 1u);
  EXPECT_EQ(second["legacy_id"], "172345678");
  // Without defaults a query still needs its own fields and purpose.
  std::string incomplete = R"({"queries":[{"id":"a","kind":"person.by_id","key":"001085000101"}],)"
                           R"("defaults":{"purpose":"p"}})";
  Reply bad = lookup(incomplete, "/v1/lookup/batch");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.json()["error"]["message"].get<std::string>().find("fields"), std::string::npos);
}

TEST_F(MockServer, ProtocolErrorsHaveCodes) {
  struct Case {
    std::string body, path, code;
    long status;
  };
  std::string big = R"({"queries":[)";
  for (int i = 0; i < 1001; ++i)
    big += std::string(i ? "," : "") + R"({"id":"x","kind":"person.by_id","key":"1","fields":[],"purpose":"p"})";
  big += "]}";
  std::vector<Case> cases = {
      {"{not json", "/v1/lookup", "bad_request", 400},
      {R"({"id":"1","kind":"person.by_id","key":"001085000101","purpose":"p"})", "/v1/lookup", "bad_request", 400},
      {R"({"id":"1","kind":"person.by_id","key":"001085000101","fields":[]})", "/v1/lookup", "bad_request", 400},
      {R"({"id":"1","kind":"person.by_id","key":"1","fields":["shoe_size"],"purpose":"p"})", "/v1/lookup", "bad_request", 400},
      {R"({"queries":[]})", "/v1/lookup/batch", "bad_request", 400},
      {big, "/v1/lookup/batch", "batch_too_large", 413},
      {"{}", "/v2/lookup", "not_found", 404},
  };
  for (const Case& c : cases) {
    Reply r = lookup(c.body, c.path);
    EXPECT_EQ(r.status, c.status) << c.path << " " << c.body.substr(0, 60) << ": " << r.body;
    auto j = r.json();
    EXPECT_EQ(j["error"]["code"], c.code) << r.body;
    EXPECT_TRUE(j["error"]["message"].is_string());
    EXPECT_FALSE(j["error"]["retryable"].get<bool>());
  }
}

TEST_F(MockServer, AdminEndpointFlipsFaults) {
  std::string faults = R"({"error_rate":1.0})";
  Reply set = request(url("/admin/faults"), &faults, {"Content-Type: application/json"});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(server_->faults().error_rate, 1.0);
  Reply r = lookup(kQuery);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json()["error"]["code"], "unavailable");
  EXPECT_TRUE(r.json()["error"]["retryable"].get<bool>());
  Reply counters = request(url("/admin/counters"), nullptr);
  EXPECT_EQ(counters.json()["injected_errors"], 1);
  std::string bad = R"({"shoe_size":1})";
  EXPECT_EQ(request(url("/admin/faults"), &bad).status, 400);
  std::string throttle = R"({"error_rate":0,"throttle_rate":1.0,"retry_after_s":7})";
  ASSERT_EQ(request(url("/admin/faults"), &throttle).status, 200);
  EXPECT_EQ(server_->faults().retry_after_s, 7);
  Reply limited = lookup(kQuery);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.json()["error"]["code"], "rate_limited");
  EXPECT_EQ(request(url("/admin/counters"), nullptr).json()["injected_throttles"], 1);
  std::string off = R"({"throttle_rate":0})";
  request(url("/admin/faults"), &off);
  EXPECT_EQ(lookup(kQuery).status, 200);
}

TEST_F(MockServer, InjectedResetsCutTheConnection) {
  server_->set_faults({.reset_rate = 1.0});
  std::string tok = token();
  std::string q = kQuery;
  Reply r = request(url("/v1/lookup"), &q, {"Authorization: Bearer " + tok});
  EXPECT_EQ(r.status, 0) << "a reset connection carries no HTTP answer: " << r.body;
  EXPECT_EQ(server_->counters().injected_resets, 1u);
}

// --- the executable ----------------------------------------------------------------------------

TEST(MockRegisterExecutable, StartsOnAFreePortAnswersAndStopsCleanly) {
  const std::string exe = std::string(ECID_BINARY_DIR) + "/bin/ecid-mock-register";
  ASSERT_EQ(access(exe.c_str(), X_OK), 0) << exe << " not built";
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string reg = register_path();
  std::vector<std::string> args = {exe, "--register", reg, "--port", "0", "--no-auth"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, f), nullptr);
  std::string first = line;
  ASSERT_EQ(first.rfind("listening on 127.0.0.1:", 0), 0u) << first;
  int port = std::stoi(first.substr(std::string("listening on 127.0.0.1:").size()));
  EXPECT_GT(port, 0);
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(request(base + "/v1/health", nullptr).status, 200);
  std::string q = kQuery;
  Reply r = request(base + "/v1/lookup", &q);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["answer"]["records"][0]["full_name"], "Nguyễn Văn An");
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  fclose(f);
}

TEST(MockRegisterExecutable, RefusesAMissingRegister) {
  const std::string exe = std::string(ECID_BINARY_DIR) + "/bin/ecid-mock-register";
  std::string cmd = exe + " --register /nonexistent/register.db --port 0 2>/dev/null";
  int rc = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(rc));
  EXPECT_NE(WEXITSTATUS(rc), 0);
}

}  // namespace
}  // namespace ecid::testing
